using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Clients;

namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>The real Qwen Code CLI in its OpenAI mode (base URL at Ciyuan's <c>/v1</c>) runs a tool-using task against an OpenAI-dialect upstream.</summary>
[Collection(CodingAgentsCollection.Name)]
public sealed class QwenCodeTests
{
    private const string Yaml = """
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

    /// <summary>Runs Qwen Code with <paramref name="arguments"/> before the prompt, without usage statistics or update checks.</summary>
    private static async Task<CliRun> RunAsync(AgentTask task, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Qwen Code's own switches: no usage statistics or update checks (settings file and environment).
        Directory.CreateDirectory(Path.Combine(task.Home, ".qwen"));
        await File.WriteAllTextAsync(Path.Combine(task.Home, ".qwen", "settings.json"),
            """{"general":{"enableAutoUpdate":false},"privacy":{"usageStatisticsEnabled":false}}""");
        var variables = new Dictionary<string, string>
        {
            ["HOME"] = task.Home,
            ["QWEN_USAGE_STATISTICS_ENABLED"] = "false",
            ["QWEN_TELEMETRY_ENABLED"] = "false",
            ["QWEN_CODE_SUPPRESS_YOLO_WARNING"] = "1",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return await CliRun.StartAsync(new CliCommand(
            await CodingClients.QwenCodeAsync(),
            [.. arguments, "--model", "qwen3-coder-plus", "--yolo", "Create hello.txt in the working directory."],
            task.WorkingDirectory,
            variables,
            TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public async Task QwenCode_OpenAIModeOnOpenAIDialectUpstream_WritesTheFileAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var script = task.Script("write_file");
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(task, ["--auth-type", "openai", "--openai-base-url", new Uri(gateway.BaseUrl, "v1").ToString(), "--openai-api-key", gateway.ClientKey]);

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "chat", "qwen/qwen3-coder-plus-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/v1/chat/completions", first.Path);
        Assert.Equal("Bearer provider-secret", first.Headers["authorization"]);
        Assert.Equal("qwen3-coder-plus-upstream", first.Json["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task QwenCode_AnthropicModeTranslatedToOpenAIDialectUpstream_WritesTheFileAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var script = task.Script("write_file");
        gateway.Upstream.Default = script.Behavior;

        var run = await RunAsync(task, ["--auth-type", "anthropic"], new Dictionary<string, string>
        {
            ["ANTHROPIC_BASE_URL"] = gateway.BaseUrl.ToString().TrimEnd('/'),
            ["ANTHROPIC_API_KEY"] = gateway.ClientKey,
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "messages", "qwen/qwen3-coder-plus-upstream");
        Assert.Equal("/v1/chat/completions", gateway.Upstream.Requests[0].Path);
    }
}
