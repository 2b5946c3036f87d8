using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Clients;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>
/// The real Claude Code CLI (<c>claude -p</c>, <c>ANTHROPIC_BASE_URL</c> at Ciyuan) runs a tool-using
/// task: passed through to a native Anthropic upstream, and translated to an OpenAI-dialect one.
/// </summary>
[Collection(CodingAgentsCollection.Name)]
public sealed class ClaudeCodeTests
{
    /// <summary>A Qwen model on DashScope behind a private endpoint: no Messages route, so Anthropic requests are translated.</summary>
    private const string TranslatedYaml = """
        providers:
          qwen:
            kind: dashscope
            base_url: "{upstream}"
            api_key: provider-secret
        models:
          - name: qwen3-coder-plus
            deployments:
              - provider: qwen
                model: qwen3-coder-plus-upstream
                price: { input: 1.00, output: 5.00, currency: USD }
        """;

    /// <summary><c>kind: anthropic</c> whose <c>base_url</c> is the upstream's Messages base: passed through.</summary>
    private const string PassthroughYaml = """
        providers:
          claude:
            kind: anthropic
            base_url: "{anthropic}"
            api_key: provider-secret
        models:
          - name: claude-sonnet-4-5
            deployments:
              - provider: claude
                model: claude-upstream
                price: { input: 3.00, output: 15.00, currency: USD }
        """;

    private static async Task<CliRun> RunAsync(GatewayFixture gateway, AgentTask task, string model) =>
        await CliRun.StartAsync(new CliCommand(
            await CodingClients.ClaudeCodeAsync(),
            ["-p", "Create hello.txt in the working directory.", "--model", model, "--allowedTools", "Write"],
            task.WorkingDirectory,
            new Dictionary<string, string>
            {
                ["HOME"] = task.Home,
                ["ANTHROPIC_BASE_URL"] = gateway.BaseUrl.ToString().TrimEnd('/'),
                ["ANTHROPIC_API_KEY"] = gateway.ClientKey,

                // Claude Code's documented switches for running with no internet: no telemetry,
                // error reports, update checks or other traffic to Anthropic's own servers.
                ["DISABLE_TELEMETRY"] = "1",
                ["DISABLE_ERROR_REPORTING"] = "1",
                ["DISABLE_AUTOUPDATER"] = "1",
                ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            },
            TimeSpan.FromMinutes(3)));

    [Fact]
    public async Task ClaudeCode_TranslatedToOpenAIDialectUpstream_WritesTheFileAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await GatewayFixture.StartAsync(TranslatedYaml);
        var script = task.Script("Write");
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(gateway, task, "qwen3-coder-plus");

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "messages", "qwen/qwen3-coder-plus-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/v1/chat/completions", first.Path);
        Assert.Equal("Bearer provider-secret", first.Headers["authorization"]);

        // Claude Code's adaptive thinking and effort in DashScope's terms; its mid-conversation
        // system message merged into a user turn, marked.
        Assert.True(first.Json["enable_thinking"]!.GetValue<bool>());
        Assert.True(first.Json["thinking_budget"]!.GetValue<int>() > 0);
        var messages = first.Json["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.DoesNotContain(messages.Skip(1), m => m!["role"]!.GetValue<string>() == "system");
        Assert.Contains(messages, m => m!["role"]!.GetValue<string>() == "user" && m["content"] is JsonArray parts
            && parts.Any(p => p!["text"]?.GetValue<string>().StartsWith("<system>\n", StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task ClaudeCode_PassedThroughToAnthropicUpstream_WritesTheFileAndAnswers()
    {
        using var task = AgentTask.Create();
        var upstream = await UpstreamServer.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(PassthroughYaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal), upstream: upstream);
        var script = task.Script("Write");
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(gateway, task, "claude-sonnet-4-5");

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "messages", "claude/claude-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/anthropic/v1/messages", first.Path);
        Assert.Equal("provider-secret", first.Headers["x-api-key"]);
        Assert.Contains("claude-code-20250219", first.Headers["anthropic-beta"], StringComparison.Ordinal);
        Assert.Equal("claude-upstream", first.Json["model"]!.GetValue<string>());
        Assert.NotNull(first.Json["thinking"]);
    }
}
