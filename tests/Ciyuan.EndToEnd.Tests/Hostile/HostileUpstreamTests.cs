using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>
/// An upstream that lies about usage, never stops, answers with a giant body or hides an error in
/// an HTTP 200: the gateway counts within what the request allowed, cuts what outgrows it, and
/// never bills an error.
/// </summary>
public sealed class HostileUpstreamTests
{
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            first_byte_timeout_seconds: 5
            timeout_seconds: 30
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                price: { input: 100, output: 1000, currency: USD }
          - name: two
            deployments:
              - provider: local
                model: liar
                price: { input: 100, output: 1000, currency: USD }
              - provider: local
                model: honest
                price: { input: 100, output: 1000, currency: USD }
            strategy: ordered
        """;

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Completion(string usage) =>
        $$"""{"id":"c","object":"chat.completion","model":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{{usage}}}""";

    [Theory]
    [InlineData("""{"prompt_tokens":-5,"completion_tokens":-7,"total_tokens":-12}""")]
    [InlineData("""{"prompt_tokens":5,"completion_tokens":99999999999999999999999,"total_tokens":1}""")]
    [InlineData("""{"prompt_tokens":5,"completion_tokens":2.5,"total_tokens":7.5}""")]
    [InlineData("""{"prompt_tokens":5,"completion_tokens":2000000,"total_tokens":2000005}""")]
    public async Task ImplausibleUsage_IsCountedWithinTheRequestAndFlaggedSuspect(string usage)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Raw(200, "application/json", Completion(usage));

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.True(row.UsageSuspect);
        Assert.False(row.UsageEstimated);
        Assert.NotNull(row.ClaimedUsage);
        Assert.InRange(row.Usage.Output, 0, 50);
        Assert.InRange(row.Usage.PromptTokens, 0, 200);
        Assert.True(row.Cost.Value <= (50 * 1000) + (200 * 100), $"billed {row.Cost}");
    }

    [Fact]
    public async Task TwoMillionTokensClaimedForFifty_IsBilledForFifty()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Raw(200, "application/json", Completion("""{"prompt_tokens":10,"completion_tokens":2000000,"total_tokens":2000010}"""));

        await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"""));

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(50, row.Usage.Output);
        Assert.Equal(2_000_000, row.ClaimedUsage!.Value.Output);
        Assert.Equal((10 * 100) + (50 * 1000), row.Cost.Value);
        Assert.True(row.UsageSuspect);

        using var admin = new HttpClient { BaseAddress = gateway.BaseUrl };
        admin.DefaultRequestHeaders.Add("Authorization", "Bearer " + GatewayFixture.MasterKey);
        var report = JsonNode.Parse(await admin.GetStringAsync("admin/usage?by=model&suspect=true"))!;
        Assert.Equal(1, report["rows"]![0]!["suspect_requests"]!.GetValue<long>());
        var listed = report["requests"]![0]!;
        Assert.Equal(row.RequestId, listed["request_id"]!.GetValue<string>());
        Assert.True(listed["usage_suspect"]!.GetValue<bool>());
        Assert.Equal(2_000_000, listed["claimed_usage"]!["output"]!.GetValue<long>());
        Assert.Equal(50, listed["output"]!.GetValue<long>());
    }

    [Fact]
    public async Task PlausibleUsage_IsTakenAsIs()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Raw(200, "application/json", Completion("""{"prompt_tokens":10,"completion_tokens":50,"total_tokens":60}"""));

        await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"""));

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.False(row.UsageSuspect);
        Assert.Null(row.ClaimedUsage);
        Assert.Equal(new TokenUsage(10, 0, 0, 50, 0), row.Usage);
    }

    [Fact]
    public async Task EndlessStream_IsCutAtTheRequestsLimit_AndBilledAtIt()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new EndlessStream();

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        var payloads = SseText.DataPayloads(body);
        Assert.DoesNotContain("[DONE]", payloads);
        var error = JsonNode.Parse(payloads[^1])!["error"]!;
        Assert.Equal("output_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.True(body.Length < 64 * 1024, $"relayed {body.Length:N0} bytes for a 50-token answer");
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.StreamFailed, row.Status);
        Assert.Equal(50, row.Usage.Output);
        Assert.True(row.UsageSuspect);
        for (var i = 0; i < 100 && gateway.Upstream.EndlessBytesSent == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(gateway.Upstream.EndlessBytesSent < 64L * 1024 * 1024, $"the upstream kept sending: {gateway.Upstream.EndlessBytesSent:N0} bytes");
    }

    [Fact]
    public async Task GiantBody_IsRefusedAsAnUpstreamError_AndNotBilled()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new GiantBody(512L * 1024 * 1024);

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"""));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("larger than", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.UpstreamError, row.Status);
        Assert.Equal(0, row.Cost.Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ErrorInAnHttp200_IsAnUpstreamError_NotBilled_AndFallsBack(bool stream)
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        var errorBody = """{"error":{"message":"model overloaded","type":"server_error","code":"overloaded"}}""";
        gateway.Upstream.Script("liar", stream ? new Raw(200, "text/event-stream", $"data: {errorBody}\n\n") : new Raw(200, "application/json", errorBody));
        gateway.Upstream.Script("honest", new Reply());

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body($$"""{"model":"two","max_tokens":50,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}"""));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("local/honest", response.Headers.GetValues("X-Ciyuan-Deployment").Single());
        var rows = await gateway.LedgerAsync();
        var row = Assert.Single(rows);
        Assert.Equal(RequestStatus.Ok, row.Status);
        Assert.Equal(2, row.Attempts);
    }

    [Fact]
    public async Task ErrorInAnHttp200_WithNowhereElseToGo_ReachesTheClientUnbilled()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Raw(200, "application/json", """{"error":{"message":"quota gone","type":"insufficient_quota","code":"insufficient_quota"}}""");

        var response = await gateway.Http.PostAsync("v1/chat/completions", Body("""{"model":"m","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"""));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.True((int)response.StatusCode >= 400);
        Assert.Contains("quota gone", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.UpstreamError, row.Status);
        Assert.Equal(0, row.Cost.Value);
    }
}
