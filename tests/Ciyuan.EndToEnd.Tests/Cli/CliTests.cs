using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Storage.Sqlite;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Cli;

/// <summary>The <c>ciyuan</c> command line run as a user runs it: a real process, a config file, a data directory.</summary>
public sealed class CliTests
{
    private static string Config(Uri upstream) => GatewayFixture.DefaultYaml.Replace("{upstream}", upstream.ToString(), StringComparison.Ordinal);

    [Fact]
    public async Task KeysCreateListRevoke_WorkAgainstTheServeStore()
    {
        using var dir = new TempDirectory();

        var create = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "team-a", "--budget-usd", "5", "--rpm", "60");
        var list = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "list");

        Assert.Equal(0, create.ExitCode);
        var secret = create.Stdout.Trim();
        Assert.StartsWith("cy-", secret, StringComparison.Ordinal);
        Assert.Contains("team-a", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Stdout, StringComparison.Ordinal);
        var id = list.Stdout.Split('\n').Single(l => l.Contains("team-a", StringComparison.Ordinal)).Split(' ')[0];
        Assert.True(File.Exists(Path.Combine(dir.Path, ".ciyuan", "ciyuan.db")));

        var revoke = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "revoke", id);
        var after = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "list");

        Assert.Equal(0, revoke.ExitCode);
        Assert.Contains("revoked", after.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "revoke", "key_nope")).ExitCode);
    }

    [Fact]
    public async Task Serve_InvalidConfig_FailsAtStartupNamingTheField()
    {
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", """
            providers:
              a: { kind: openai-compatible, base_url: "http://127.0.0.1:1/v1" }
            models:
              - name: m0
                deployments: [ { provider: a, model: x } ]
              - name: m1
                deployments: [ { provider: a, model: x } ]
              - name: m2
                deployments: [ { provider: x, model: y } ]
            """);

        var result = await CiyuanProcess.RunAsync(dir.Path, null, "serve");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("models[2].deployments[0].provider: unknown provider 'x'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnknownConfigKey_IsAnError()
    {
        using var dir = new TempDirectory();
        var config = dir.File("other.yaml", "providers:\n  a:\n    kind: vllm\n    base_url: http://127.0.0.1:1/v1\n    api_kye: x\n");

        var result = await CiyuanProcess.RunAsync(dir.Path, null, "serve", "--config", config);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("providers.a.api_kye: unknown key", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SettledRequest_SurvivesKillRightAfterTheResponse()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        upstream.Default = new Reply { Content = "durable", Chunks = 1, PromptTokens = 10, CompletionTokens = 2 };
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "k")).Stdout.Trim();
        var received = new List<string>();

        for (var round = 0; round < 3; round++)
        {
            var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
            using (process)
            {
                using var http = new HttpClient { BaseAddress = baseUrl };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                var stream = round % 2 == 1;
                var body = $$"""{"model":"test-model","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
                var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                process.Kill();   // SIGKILL: no shutdown hooks, no flush.
                await process.WaitForExitAsync();

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("durable", text, StringComparison.Ordinal);
                received.Add(response.Headers.GetValues("X-Ciyuan-Request-Id").Single());
            }
        }

        var database = new SqliteDatabase(Path.Combine(dir.Path, ".ciyuan", "ciyuan.db"), syncToDisk: false);
        var rows = await new SqliteUsageReader(database).ListAsync(new UsageQuery(), CancellationToken.None);
        Assert.Equal(received.Order(StringComparer.Ordinal), rows.Select(r => r.RequestId).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(new TokenUsage(10, 0, 0, 2, 0), r.Usage));
        Assert.All(rows, r => Assert.Equal(RequestStatus.Ok, r.Status));
    }

    [Fact]
    public async Task UsageByRun_ReportsTheRunAndListsItsRequests()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl));
        var create = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "agent", "--project", "research", "--tpm", "100000", "--max-concurrency", "4");
        var secret = create.Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = new HttpClient { BaseAddress = baseUrl };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            http.DefaultRequestHeaders.Add("X-Ciyuan-Run", "eval-7");
            for (var i = 0; i < 2; i++)
            {
                (await http.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[]}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            }

            process.Kill();
            await process.WaitForExitAsync();
        }

        var list = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "list");
        var byProject = JsonNode.Parse((await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--by", "project", "--json")).Stdout)!;
        var run = JsonNode.Parse((await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--by", "run", "--run", "eval-7", "--json")).Stdout)!;
        var table = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--by", "run", "--run", "eval-7");
        var badFlag = await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "x", "--tpm", "0");

        Assert.Equal(0, create.ExitCode);
        Assert.Contains("research", list.Stdout, StringComparison.Ordinal);
        Assert.Equal("research", byProject["rows"]![0]!["group"]!.GetValue<string>());
        Assert.Equal("eval-7", run["rows"]![0]!["group"]!.GetValue<string>());
        Assert.Equal(2, run["rows"]![0]!["requests"]!.GetValue<int>());
        Assert.Equal(2, run["requests"]!.AsArray().Count);
        Assert.Contains("request_id", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, badFlag.ExitCode);
        Assert.Contains("tpm must be >= 1", badFlag.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_ReportsByModelAsJsonAndCsv()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "k")).Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = new HttpClient { BaseAddress = baseUrl };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            for (var i = 0; i < 3; i++)
            {
                (await http.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[]}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            }

            process.Kill();
            await process.WaitForExitAsync();
        }

        var json = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--by", "model", "--json");
        var csv = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--csv");

        var row = JsonNode.Parse(json.Stdout)!["rows"]![0]!;
        Assert.Equal("test-model", row["group"]!.GetValue<string>());
        Assert.Equal(3, row["requests"]!.GetValue<int>());
        Assert.StartsWith("group,currency,requests", csv.Stdout, StringComparison.Ordinal);
        Assert.Contains("test-model,USD,3,", csv.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_FailsWithOneClearLine()
    {
        using var dir = new TempDirectory();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        var result = await CiyuanProcess.RunAsync(dir.Path, null, "serve", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already in use", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }
}
