using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Observability;

/// <summary><c>logging.format: json</c> and <c>logging.requests</c> on the real executable: every stdout line one JSON object, no secret anywhere.</summary>
public sealed class JsonLogTests
{
    private const string ProviderKey = "sk-provider-secret-for-logs-0123";
    private const string MasterKey = "master-key-for-json-logs";

    [Fact]
    public async Task Serve_JsonLogsWithRequestLines_OneObjectPerLineWithTheRequestsFields()
    {
        await using var upstream = await UpstreamServer.StartAsync();
        upstream.Script("failing", new Fail(401, "{\"error\":{\"message\":\"invalid key " + ProviderKey + "\",\"type\":\"authentication_error\"}}"));
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", $$"""
            providers:
              local: { kind: openai-compatible, base_url: "{{upstream.BaseUrl}}", api_key: {{ProviderKey}}, jurisdiction: self-hosted }
            models:
              - name: good
                deployments: [{ provider: local, model: upstream-model, price: { input: 1, output: 2, currency: USD } }]
              - name: bad
                deployments: [{ provider: local, model: failing, price: { input: 1, output: 2, currency: USD } }]
            logging: { format: json, requests: true }
            """);
        var environment = new Dictionary<string, string> { ["CIYUAN_DATA_DIR"] = Path.Combine(dir.Path, "data"), ["CIYUAN_MASTER_KEY"] = MasterKey };
        var created = await CiyuanProcess.RunAsync(dir.Path, environment, "keys", "create", "--name", "logs");
        Assert.Equal(0, created.ExitCode);
        var clientKey = created.Stdout.Trim();

        var port = CiyuanProcess.FreePort();
        var lines = new ConcurrentQueue<string>();
        using var process = CiyuanProcess.Start(dir.Path, environment, "serve", "--urls", $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
            }
        };
        process.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            await WaitReadyAsync(http);
            var ok = await http.PostAsync("v1/chat/completions", Body("good"));
            var failed = await http.PostAsync("v1/chat/completions", Body("bad"));
            var okId = ok.Headers.GetValues("X-Ciyuan-Request-Id").Single();
            var failedId = failed.Headers.GetValues("X-Ciyuan-Request-Id").Single();

            var objects = await WaitForAsync(lines, l => l.Count(o => o.TryGetProperty("event_id", out var id) && id.GetInt32() == 2005) >= 2);
            Assert.All(objects, o =>
            {
                Assert.True(o.TryGetProperty("timestamp", out _));
                Assert.True(o.TryGetProperty("level", out _));
                Assert.True(o.TryGetProperty("message", out _));
            });

            var okLine = Assert.Single(objects, o => o.TryGetProperty("request_id", out var id) && id.GetString() == okId && o.GetProperty("event_id").GetInt32() == 2005);
            Assert.Equal("information", okLine.GetProperty("level").GetString());
            Assert.StartsWith("key_", okLine.GetProperty("key_id").GetString(), StringComparison.Ordinal);
            Assert.Equal("good", okLine.GetProperty("model").GetString());
            Assert.Equal("local/upstream-model", okLine.GetProperty("deployment").GetString());
            Assert.Equal("ok", okLine.GetProperty("status").GetString());
            Assert.Equal(200, okLine.GetProperty("http_status").GetInt32());
            Assert.True(okLine.GetProperty("latency_ms").GetDouble() > 0);

            var failedLine = Assert.Single(objects, o => o.TryGetProperty("request_id", out var id) && id.GetString() == failedId && o.GetProperty("event_id").GetInt32() == 2005);
            Assert.Equal("upstream_error", failedLine.GetProperty("status").GetString());

            // No secret in any line: not the provider's key the upstream echoed, not the master key, not the client's key.
            var all = string.Join('\n', lines);
            Assert.DoesNotContain(ProviderKey, all, StringComparison.Ordinal);
            Assert.DoesNotContain(MasterKey, all, StringComparison.Ordinal);
            Assert.DoesNotContain(clientKey, all, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static StringContent Body(string model) =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    private static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("ciyuan serve did not become ready");
    }

    /// <summary>Every stdout line parsed as JSON (each must be one object), once <paramref name="done"/> holds.</summary>
    private static async Task<List<JsonElement>> WaitForAsync(ConcurrentQueue<string> lines, Func<List<JsonElement>, bool> done)
    {
        List<JsonElement> objects = [];
        for (var i = 0; i < 200; i++)
        {
            objects = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.All(objects, o => Assert.Equal(JsonValueKind.Object, o.ValueKind));
            if (done(objects))
            {
                return objects;
            }

            await Task.Delay(50);
        }

        return objects;
    }
}
