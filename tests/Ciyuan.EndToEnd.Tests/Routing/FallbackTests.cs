using System.Net;
using System.Text;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Routing;

/// <summary>Two upstream servers behind one model; the first fails in each way an upstream can.</summary>
public sealed class FallbackTests
{
    private static string Yaml(Uri first, string strategy = "ordered") => $$"""
        providers:
          first: { kind: openai-compatible, base_url: "{{first}}", first_byte_timeout_seconds: 1 }
          second: { kind: openai-compatible, base_url: "{upstream}" }
        models:
          - name: m
            strategy: {{strategy}}
            deployments:
              - { provider: first, model: a }
              - { provider: second, model: b }
        """;

    private static StringContent Hello(bool stream = false) =>
        new($$"""{"model":"m","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    public static TheoryData<string> Failures() => ["refuse", "hang", "429", "500"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task FirstDeploymentFails_BeforeTheFirstByte_TheSecondServes(string how)
    {
        var first = await UpstreamServer.StartAsync();
        var firstUrl = first.BaseUrl;
        switch (how)
        {
            case "refuse":
                await first.DisposeAsync();
                break;
            case "hang":
                first.Default = new Hang();
                break;
            case "429":
                first.Default = new Fail(429, """{"error":{"message":"slow down","type":"rate_limit_reached_error"}}""", RetryAfterSeconds: 30);
                break;
            default:
                first.Default = new Fail(500, """{"error":{"message":"boom","type":"server_error"}}""");
                break;
        }

        await using var gateway = await GatewayFixture.StartAsync(Yaml(firstUrl));
        try
        {
            var response = await gateway.Http.PostAsync("v1/chat/completions", Hello());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("second", response.Headers.GetValues("X-Ciyuan-Provider").Single());
            Assert.Equal("2", response.Headers.GetValues("X-Ciyuan-Attempts").Single());
            var row = Assert.Single(await gateway.LedgerAsync());
            Assert.Equal(RequestStatus.Ok, row.Status);
            Assert.Equal(2, row.Attempts);
            Assert.Equal("second/b", row.Deployment);

            // The ledger says why the first deployment was left, in the one error vocabulary.
            var expected = how switch
            {
                "refuse" => new FailedAttempt("first/a", "upstream_unreachable", null),
                "hang" => new FailedAttempt("first/a", "upstream_timeout", null),
                "429" => new FailedAttempt("first/a", "rate_limit_exceeded", 429),
                _ => new FailedAttempt("first/a", "upstream_error", 500),
            };
            Assert.Equal([expected], row.FailedAttempts);
        }
        finally
        {
            if (how != "refuse")
            {
                await first.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RetryAfter_HoldsTheDeploymentOut_ForLaterRequests()
    {
        await using var first = await UpstreamServer.StartAsync();
        first.Default = new Fail(429, """{"error":{"message":"slow down","type":"rate_limit_reached_error"}}""", RetryAfterSeconds: 60);
        await using var gateway = await GatewayFixture.StartAsync(Yaml(first.BaseUrl));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.PostAsync("v1/chat/completions", Hello())).StatusCode);
        }

        // Asked once; then held out for the 60 s it asked for.
        Assert.Single(first.Requests);
    }

    [Fact]
    public async Task CutMidStream_AfterTheFirstByte_EndsWithAnErrorEventAndNoFallback()
    {
        await using var first = await UpstreamServer.StartAsync();
        first.Default = new Reply { Content = "one two three four", Chunks = 4, CutAfterChunks = 2 };
        await using var gateway = await GatewayFixture.StartAsync(Yaml(first.BaseUrl));

        var response = await gateway.Http.PostAsync("v1/chat/completions", Hello(stream: true));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("stream_truncated", body, StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
        Assert.Equal(RequestStatus.StreamFailed, Assert.Single(await gateway.LedgerAsync()).Status);
    }

    [Fact]
    public async Task Fastest_LearnsTheFasterDeployment()
    {
        await using var first = await UpstreamServer.StartAsync();
        first.Default = new Reply { FirstByteDelay = TimeSpan.FromMilliseconds(150) };
        await using var gateway = await GatewayFixture.StartAsync(Yaml(first.BaseUrl, "fastest"));

        var providers = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var response = await gateway.Http.PostAsync("v1/chat/completions", Hello());
            providers.Add(response.Headers.GetValues("X-Ciyuan-Provider").Single());
        }

        // Both are explored once, then the fast one wins.
        Assert.All(providers.Skip(4), p => Assert.Equal("second", p));
    }

    [Fact]
    public async Task Capabilities_ImageRequestSkipsATextOnlyCatalogModel()
    {
        await using var vision = await UpstreamServer.StartAsync();
        var yaml = $$"""
            providers:
              ds: { kind: deepseek, base_url: "{upstream}", api_key: test }
              vlm: { kind: openai-compatible, base_url: "{{vision.BaseUrl}}" }
            models:
              - name: m
                deployments:
                  - { provider: ds, model: deepseek-v4-pro }
                  - { provider: vlm, model: qwen-vl }
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);

        var text = await gateway.Http.PostAsync("v1/chat/completions", Hello());
        var image = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""",
            Encoding.UTF8, "application/json"));

        Assert.Equal("ds", text.Headers.GetValues("X-Ciyuan-Provider").Single());
        Assert.Equal("vlm", image.Headers.GetValues("X-Ciyuan-Provider").Single());
        Assert.Single(gateway.Upstream.Requests);
    }
}
