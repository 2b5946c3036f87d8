using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Clients;

namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>The real Qwen Code CLI in its OpenAI mode (base URL at Ciyuan's <c>/v1</c>) runs a tool-using task against an OpenAI-dialect upstream.</summary>
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

    [Fact]
    public async Task QwenCode_OpenAIModeOnOpenAIDialectUpstream_WritesTheFileAndAnswers()
    {
        using var task = AgentTask.Create();
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var script = task.Script("write_file");
        gateway.Upstream.Default = script.Behavior;

        // Qwen Code's own switches: no usage statistics or update checks (settings file and environment).
        Directory.CreateDirectory(Path.Combine(task.Home, ".qwen"));
        await File.WriteAllTextAsync(Path.Combine(task.Home, ".qwen", "settings.json"),
            """{"general":{"enableAutoUpdate":false},"privacy":{"usageStatisticsEnabled":false}}""");
        var run = await CliRun.StartAsync(new CliCommand(
            await CodingClients.QwenCodeAsync(),
            [
                "--auth-type", "openai",
                "--openai-base-url", new Uri(gateway.BaseUrl, "v1").ToString(),
                "--openai-api-key", gateway.ClientKey,
                "--model", "qwen3-coder-plus",
                "--yolo",
                "Create hello.txt in the working directory.",
            ],
            task.WorkingDirectory,
            new Dictionary<string, string>
            {
                ["HOME"] = task.Home,
                ["QWEN_USAGE_STATISTICS_ENABLED"] = "false",
                ["QWEN_TELEMETRY_ENABLED"] = "false",
                ["QWEN_CODE_SUPPRESS_YOLO_WARNING"] = "1",
            },
            TimeSpan.FromMinutes(3)));

        Assert.True(run.ExitCode == 0, run.ToString());
        await task.AssertDoneAsync(gateway, script, run.Stdout, "chat", "qwen/qwen3-coder-plus-upstream");
        var first = gateway.Upstream.Requests[0];
        Assert.Equal("/v1/chat/completions", first.Path);
        Assert.Equal("Bearer provider-secret", first.Headers["authorization"]);
        Assert.Equal("qwen3-coder-plus-upstream", first.Json["model"]!.GetValue<string>());
    }
}
