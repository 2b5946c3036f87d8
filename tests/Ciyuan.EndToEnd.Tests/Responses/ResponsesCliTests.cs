using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Responses;

/// <summary>
/// The command line knows the Responses door: <c>ciyuan models</c> says which deployments serve it
/// natively, and <c>ciyuan route explain --door responses --request-file</c> routes a Responses body
/// (counted exactly, context fit included) and names each candidate's path. Nothing is sent.
/// </summary>
public sealed class ResponsesCliTests
{
    private const string Yaml = """
        providers:
          chatvendor:
            kind: deepseek
            base_url: http://127.0.0.1:9/v1
            api_key: provider-secret
          claude:
            kind: anthropic
            base_url: http://127.0.0.1:9
            api_key: provider-secret
          native:
            kind: openai
            base_url: http://127.0.0.1:9/v1
            api_key: provider-secret
        models:
          - name: coder
            strategy: ordered
            deployments:
              - provider: chatvendor
                model: tiny-window
                context_window: 64
                tokenizer: qwen3
                price: { input: 0.1, output: 0.2, currency: USD }
              - provider: chatvendor
                model: chat-upstream
                tokenizer: qwen3
                price: { input: 1.00, output: 2.00, currency: USD }
              - provider: claude
                model: claude-upstream
                tokenizer: qwen3
                price: { input: 3.00, output: 15.00, currency: USD }
              - provider: native
                model: native-upstream
                tokenizer: qwen3
                price: { input: 1.25, output: 10.00, currency: USD }
        """;

    [Fact]
    public async Task Models_Json_SaysWhichDeploymentsServeResponsesNatively()
    {
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Yaml);

        var (exitCode, stdout, stderr) = await CiyuanProcess.RunAsync(dir.Path, null, "models", "--json");
        var table = await CiyuanProcess.RunAsync(dir.Path, null, "models");

        Assert.True(exitCode == 0, stderr);
        var paths = JsonNode.Parse(stdout)!.AsArray().ToDictionary(r => r!["model"]!.GetValue<string>(), r => r!["responses"]!.GetValue<string>());
        Assert.Equal("translated", paths["chat-upstream"]);
        Assert.Equal("translated", paths["claude-upstream"]);
        Assert.Equal("native", paths["native-upstream"]);
        Assert.Contains("RESPONSES", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteExplain_ResponsesRequestFile_CountsItForFitAndNamesEachPath()
    {
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Yaml);
        var words = string.Join(' ', Enumerable.Repeat("token", 200));
        var body = dir.File("request.json", new JsonObject
        {
            ["model"] = "coder",
            ["instructions"] = "Be brief.",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = words }) }),
            ["max_output_tokens"] = 100,
        }.ToJsonString());

        var (exitCode, stdout, stderr) = await CiyuanProcess.RunAsync(dir.Path, null, "route", "explain", "--model", "coder", "--door", "responses", "--request-file", body);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("chatvendor/tiny-window", stdout, StringComparison.Ordinal);
        Assert.Contains("does not fit", stdout, StringComparison.Ordinal);
        Assert.Contains("paths for OpenAI Responses requests:", stdout, StringComparison.Ordinal);
        Assert.Contains("chatvendor/chat-upstream  translated to OpenAI chat completions", stdout, StringComparison.Ordinal);
        Assert.Contains("claude/claude-upstream  translated to Anthropic Messages", stdout, StringComparison.Ordinal);
        Assert.Contains("native/native-upstream  passed through", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteExplain_BadResponsesRequestFile_SaysWhatIsWrong()
    {
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Yaml);
        var body = dir.File("request.json", """{"model":"coder","input":[{"type":"telepathy"}]}""");

        var (exitCode, _, stderr) = await CiyuanProcess.RunAsync(dir.Path, null, "route", "explain", "--model", "coder", "--door", "responses", "--request-file", body);

        Assert.Equal(1, exitCode);
        Assert.Contains("request.json is not a valid responses request", stderr, StringComparison.Ordinal);
        Assert.Contains("telepathy", stderr, StringComparison.Ordinal);
    }
}
