using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Routing;

/// <summary>Routing through the gateway: privacy policies as hard filters, fallbacks, strategies, explain.</summary>
public sealed class RoutingTests
{
    /// <summary>One alias over a hosted (cn) deployment and a self-hosted one, on two separate upstream servers.</summary>
    private static async Task<(GatewayFixture Gateway, UpstreamServer Hosted)> StartAsync(string strategy = "ordered")
    {
        var hosted = await UpstreamServer.StartAsync();
        var yaml = $$"""
            routing:
              cache_affinity: false
            policies:
              confidential: { self_hosted_only: true }
              no-cn: { allowed_jurisdictions: [sg, us, self-hosted] }
              cn-only: { allowed_jurisdictions: [cn] }
            providers:
              vendor:
                kind: openai-compatible
                base_url: "{{hosted.BaseUrl}}"
                jurisdiction: cn
              local:
                kind: vllm
                base_url: "{upstream}"
            models:
              - name: mixed
                strategy: {{strategy}}
                deployments:
                  - provider: vendor
                    model: hosted-model
                    price: { input: 0.1, output: 0.2, currency: USD }
                  - provider: local
                    model: local-model
                    price: { input: 1, output: 2, currency: USD }
              - name: cloud-only
                deployments:
                  - provider: vendor
                    model: hosted-model
            """;
        return (await GatewayFixture.StartAsync(yaml), hosted);
    }

    private static StringContent Hello() => new("""{"model":"mixed","messages":[{"role":"user","content":"secret plans"}]}""", Encoding.UTF8, "application/json");

    private static async Task<string> KeyWithPolicyAsync(GatewayFixture gateway, string policy)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("scoped") { Policy = policy }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        return secret;
    }

    [Fact]
    public async Task LocalOnlyKey_NeverReachesTheHostedProvider_EvenWhenTheLocalOneFails()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            var key = await KeyWithPolicyAsync(gateway, "confidential");
            using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
            http.DefaultRequestHeaders.Add("x-api-key", key);

            var ok = await http.PostAsync("v1/chat/completions", Hello());
            gateway.Upstream.Default = new Fail(503, """{"error":{"message":"overloaded","type":"overloaded_error"}}""");
            var failed = await http.PostAsync("v1/chat/completions", Hello());

            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("local", ok.Headers.GetValues("X-Ciyuan-Provider").Single());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Empty(hosted.Requests);
            Assert.All(await gateway.LedgerAsync(), row => Assert.Equal("self-hosted", row.Jurisdiction));
        }
    }

    [Fact]
    public async Task RequestPolicyHeader_TightensAnUnrestrictedKey()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Hello() };
            request.Headers.Add("X-Ciyuan-Policy", "no-cn");

            var response = await gateway.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("local", response.Headers.GetValues("X-Ciyuan-Provider").Single());
            Assert.Empty(hosted.Requests);
        }
    }

    [Fact]
    public async Task UnknownRequestPolicy_IsRefusedNotIgnored()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Hello() };
            request.Headers.Add("X-Ciyuan-Policy", "nonexistent");

            var response = await gateway.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Empty(hosted.Requests);
            Assert.Empty(gateway.Upstream.Requests);
        }
    }

    [Fact]
    public async Task PolicyThatAllowsNoDeployment_IsForbiddenNamingThePolicy()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            var key = await KeyWithPolicyAsync(gateway, "confidential");
            using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
            http.DefaultRequestHeaders.Add("x-api-key", key);
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent("""{"model":"mixed","messages":[]}""", Encoding.UTF8, "application/json"),
            };

            // The key allows only self-hosted, the request only cn: together they allow nothing.
            request.Headers.Add("X-Ciyuan-Policy", "cn-only");
            var response = await http.SendAsync(request);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("denied_by_policy", error["code"]!.GetValue<string>());
            Assert.Empty(hosted.Requests);
            Assert.Empty(gateway.Upstream.Requests);
        }
    }

    [Fact]
    public async Task Cheapest_PicksTheCheaperDeployment_AndFallsBackWhenItFails()
    {
        var (gateway, hosted) = await StartAsync("cheapest");
        await using (gateway)
        await using (hosted)
        {
            var first = await gateway.Http.PostAsync("v1/chat/completions", Hello());
            hosted.Default = new Fail(500, """{"error":{"message":"boom","type":"server_error"}}""");
            var second = await gateway.Http.PostAsync("v1/chat/completions", Hello());

            Assert.Equal("vendor", first.Headers.GetValues("X-Ciyuan-Provider").Single());
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("local", second.Headers.GetValues("X-Ciyuan-Provider").Single());
            Assert.Equal("2", second.Headers.GetValues("X-Ciyuan-Attempts").Single());
            var rows = await gateway.LedgerAsync();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal(RequestStatus.Ok, r.Status));
        }
    }

    [Fact]
    public async Task CircuitBreaker_OpensOnARepeatedlyFailingDeployment_AndTrafficSkipsIt()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            hosted.Default = new Fail(500, """{"error":{"message":"boom","type":"server_error"}}""");
            for (var i = 0; i < 30; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await gateway.Http.PostAsync("v1/chat/completions", Hello())).StatusCode);
            }

            // Once open, the failing deployment is no longer tried on every request.
            Assert.True(hosted.Requests.Count < 30, $"hosted deployment was tried {hosted.Requests.Count} times");
            Assert.Equal(30, gateway.Upstream.Requests.Count);
        }
    }

    [Fact]
    public async Task RouteExplain_PrintsCandidatesWithReasonsWithoutSending()
    {
        var (gateway, hosted) = await StartAsync("cheapest");
        await using (gateway)
        await using (hosted)
        {
            using var dir = new TempDirectory();
            var yaml = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Routing", "explain.yaml")))
                .Replace("{hosted}", hosted.BaseUrl.ToString(), StringComparison.Ordinal)
                .Replace("{local}", gateway.Upstream.BaseUrl.ToString(), StringComparison.Ordinal);
            var config = dir.File("ciyuan.yaml", yaml);

            var all = await CiyuanProcess.RunAsync(dir.Path, null, "route", "explain", "--model", "mixed");
            var confidential = await CiyuanProcess.RunAsync(dir.Path, null, "route", "explain", "--model", "mixed", "--policy", "confidential");

            Assert.Equal(0, all.ExitCode);
            Assert.Contains("vendor/hosted-model", all.Stdout, StringComparison.Ordinal);
            Assert.Contains("local/local-model", all.Stdout, StringComparison.Ordinal);
            Assert.Contains("self-hosted", confidential.Stdout, StringComparison.Ordinal);
            Assert.Empty(hosted.Requests);
            Assert.Empty(gateway.Upstream.Requests);
            _ = config;
        }
    }

    [Fact]
    public async Task ContextFit_ExactCountNearTheLimit_SkipsTheSmallDeploymentAndRefusesWhenNoneFits()
    {
        const string yaml = """
            providers:
              local:
                kind: openai-compatible
                base_url: "{upstream}"
            models:
              - name: fit
                deployments:
                  - provider: local
                    model: small
                    context_window: 64
                    tokenizer: qwen3
                  - provider: local
                    model: large
                    context_window: 100000
                    tokenizer: qwen3
              - name: tiny
                deployments:
                  - provider: local
                    model: small
                    context_window: 64
                    tokenizer: qwen3
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        var words = string.Join(' ', Enumerable.Repeat("token", 80));
        StringContent Ask(string model) => new($$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":"{{words}}"}]}""", Encoding.UTF8, "application/json");

        var routed = await gateway.Http.PostAsync("v1/chat/completions", Ask("fit"));
        var refused = await gateway.Http.PostAsync("v1/chat/completions", Ask("tiny"));
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal("local/large", routed.Headers.GetValues("X-Ciyuan-Deployment").Single());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("context_length_exceeded", error["code"]!.GetValue<string>());
        Assert.Single(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Models_ForAPolicyKey_ListOnlyModelsItMayUse()
    {
        var (gateway, hosted) = await StartAsync();
        await using (gateway)
        await using (hosted)
        {
            var key = await KeyWithPolicyAsync(gateway, "confidential");
            using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
            http.DefaultRequestHeaders.Add("x-api-key", key);

            var scoped = JsonNode.Parse(await http.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
            var open = JsonNode.Parse(await gateway.Http.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();

            Assert.Equal(["mixed"], scoped);
            Assert.Equal(["mixed", "cloud-only"], open);
        }
    }
}
