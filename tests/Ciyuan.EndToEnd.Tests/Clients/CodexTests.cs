using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Clients;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>
/// The real Codex CLI (<c>codex exec</c>, a custom model provider whose <c>base_url</c> is Ciyuan's
/// <c>/v1</c>, <c>wire_api = "responses"</c>) runs a tool-using task through the Responses door:
/// translated to a chat-completions upstream and to an Anthropic upstream. Codex's shell tool
/// (<c>exec_command</c>) writes the file, so the test sees a real command run from a translated call.
/// </summary>
[Collection(CodingAgentsCollection.Name)]
public sealed class CodexTests
{
    private const string Yaml = """
        providers:
          deepseek:
            kind: deepseek
            base_url: "{upstream}"
            api_key: provider-secret
          claude:
            kind: anthropic
            base_url: "{upstream}"
            anthropic_base_url: "{anthropic}"
            api_key: provider-secret
        models:
          - name: deepseek-chat
            deployments:
              - provider: deepseek
                model: deepseek-upstream
                price: { input: 0.28, output: 0.42, currency: USD }
          - name: claude-sonnet-4-5
            deployments:
              - provider: claude
                model: claude-upstream
                price: { input: 3.00, output: 15.00, currency: USD }
        """;

    /// <summary>
    /// The README's Codex configuration, as written there. <c>web_search = "disabled"</c>: Codex offers
    /// OpenAI's hosted web search by default, which only a native Responses upstream can run; the
    /// gateway refuses it rather than drop it silently. Retries are off so a failure shows at once.
    /// </summary>
    private static string CodexConfig(GatewayFixture gateway, string model) => $$"""
        model = "{{model}}"
        model_provider = "ciyuan"
        web_search = "disabled"
        check_for_update_on_startup = false

        [analytics]
        enabled = false

        [model_providers.ciyuan]
        name = "Ciyuan"
        base_url = "{{new Uri(gateway.BaseUrl, "v1")}}"
        env_key = "CIYUAN_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        """;

    private static async Task<GatewayFixture> StartAsync()
    {
        var upstream = await UpstreamServer.StartAsync();
        return await GatewayFixture.StartAsync(Yaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal), upstream: upstream);
    }

    /// <summary>Codex's shell tool, asked to write the task's file with one command.</summary>
    private static ToolThenAnswer Script(AgentTask task) => new("exec_command",
        new JsonObject { ["cmd"] = $"printf '%s\\n' '{AgentTask.FileContent.TrimEnd('\n')}' > '{task.FilePath}'" }.ToJsonString(),
        AgentTask.FinalAnswer);

    private static async Task<CliRun> RunAsync(GatewayFixture gateway, AgentTask task, string model)
    {
        var codexHome = Directory.CreateDirectory(Path.Combine(task.Home, ".codex")).FullName;
        await File.WriteAllTextAsync(Path.Combine(codexHome, "config.toml"), CodexConfig(gateway, model));
        return await CliRun.StartAsync(new CliCommand(
            await CodingClients.CodexAsync(),
            ["exec", "--skip-git-repo-check", "--sandbox", "danger-full-access", "Create hello.txt in the working directory."],
            task.WorkingDirectory,
            new Dictionary<string, string>
            {
                ["HOME"] = task.Home,
                ["CODEX_HOME"] = codexHome,
                ["CIYUAN_API_KEY"] = gateway.ClientKey,
            },
            TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public async Task Codex_TranslatedToChatCompletionsUpstream_RunsTheShellToolAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await StartAsync();
        var script = Script(task);
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(gateway, task, "deepseek-chat");

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "responses", "deepseek/deepseek-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/v1/chat/completions", first.Path);
        Assert.Equal("Bearer provider-secret", first.Headers["authorization"]);
        Assert.Equal("deepseek-upstream", first.Json["model"]!.GetValue<string>());

        // The tool result came back as a chat tool message answering the call Codex ran.
        var last = gateway.Upstream.Requests[^1].Json["messages"]!.AsArray();
        Assert.Contains(last, m => m!["role"]!.GetValue<string>() == "tool" && m["tool_call_id"]!.GetValue<string>() == "call_tool_1");
    }

    [Fact]
    public async Task Codex_TranslatedToAnthropicUpstream_RunsTheShellToolAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await StartAsync();
        var script = Script(task);
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(gateway, task, "claude-sonnet-4-5");

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "responses", "claude/claude-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/anthropic/v1/messages", first.Path);
        Assert.Equal("provider-secret", first.Headers["x-api-key"]);
        Assert.Equal("claude-upstream", first.Json["model"]!.GetValue<string>());

        var last = gateway.Upstream.Requests[^1].Json["messages"]!.AsArray();
        Assert.Contains(last, m => m!["content"] is JsonArray blocks
            && blocks.Any(b => b!["type"]!.GetValue<string>() == "tool_result" && b["tool_use_id"]!.GetValue<string>() == "call_tool_1"));
    }
}
