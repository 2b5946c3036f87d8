using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Observability;

/// <summary>
/// What of <c>metrics:</c>, <c>telemetry:</c> and <c>logging:</c> a reload applies (the metrics token,
/// per-key labels: read per scrape or per request) and what it refuses with a message that says
/// restart (whether <c>/metrics</c> exists, the trace exporter, the log format: set up once at start).
/// </summary>
public sealed class ObservabilityReloadTests
{
    private const string OldToken = "old-metrics-token";
    private const string NewToken = "new-metrics-token";

    [Fact]
    public async Task Reload_MetricsTokenPerKeyAndDeployments_ApplyToTheNextScrapeAndRequest()
    {
        var token = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + $"\nserver: {{ metrics_token: {OldToken} }}\n", configFile: true);
        var valid = await File.ReadAllTextAsync(gateway.ConfigFile, token);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(Chat(), token)).StatusCode);

        var added = """
              - name: added-model
                deployments:
                  - { provider: local, model: added-upstream, price: { input: 1.00, output: 1.00, currency: USD } }
            """;
        var changed = valid.Replace(OldToken, NewToken, StringComparison.Ordinal).Replace("\nserver:", "\n" + added + "\nserver:", StringComparison.Ordinal);
        Assert.NotEqual(valid, changed);
        await File.WriteAllTextAsync(gateway.ConfigFile, changed + "\nmetrics: { per_key: true }\n", token);
        var (status, outcome) = await ReloadAsync(gateway, token);
        Assert.True(status == HttpStatusCode.OK, outcome.ToJsonString());
        Assert.Equal("reloaded", outcome["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(Chat(), token)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeStatusAsync(gateway, OldToken, token)));
        var metrics = await MetricsTests.ScrapeAsync(gateway, NewToken);

        // The request before the reload was counted without its key's id, the one after with it.
        Assert.Equal(2, metrics.Sum("ciyuan_requests_total"));
        Assert.Equal(1, metrics.Sum("ciyuan_requests_total", ("key_id", gateway.KeyId)));

        // The live-state gauges follow the routing of the generation now serving: the added deployment is there.
        Assert.Equal(1, metrics.Sum("ciyuan_deployment_circuit_state", ("deployment", "local/added-upstream"), ("state", "closed")));
        Assert.Equal(0, metrics.Sum("ciyuan_deployment_in_flight", ("deployment", "local/added-upstream")));
        Assert.Single(metrics.Where("ciyuan_deployment_in_flight", ("deployment", "local/added-upstream")));
    }

    [Theory]
    [InlineData("metrics: { enabled: false }", "metrics.enabled")]
    [InlineData("telemetry: { endpoint: \"http://127.0.0.1:4318\" }", "telemetry")]
    [InlineData("logging: { format: json }", "logging.format")]
    public async Task Reload_ExporterOrLogFormatChange_IsRefusedSayingRestart(string section, string path)
    {
        var token = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayFixture.StartAsync(configFile: true);
        var valid = await File.ReadAllTextAsync(gateway.ConfigFile, token);

        await File.WriteAllTextAsync(gateway.ConfigFile, valid + "\n" + section + "\n", token);
        var (status, outcome) = await ReloadAsync(gateway, token);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(path, outcome["error"]!["path"]!.GetValue<string>());
        Assert.Contains("restart", outcome["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ScrapeStatusAsync(gateway, GatewayFixture.MasterKey, token));
    }

    private static async Task<(HttpStatusCode Status, JsonNode Outcome)> ReloadAsync(GatewayFixture gateway, CancellationToken token)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);
        using var response = await http.PostAsync("admin/reload", null, token);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(token))!);
    }

    private static async Task<HttpStatusCode> ScrapeStatusAsync(GatewayFixture gateway, string bearer, CancellationToken token)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, token);
        return response.StatusCode;
    }

    private static HttpRequestMessage Chat() => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
    };
}
