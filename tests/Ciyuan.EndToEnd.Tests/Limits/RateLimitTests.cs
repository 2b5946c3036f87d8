using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Limits;

/// <summary>Requests per minute, tokens per minute and concurrency, per key, project and deployment, as clients meet them.</summary>
public sealed class RateLimitTests
{
    private static StringContent Chat(int maxTokens = 10, string model = "test-model") =>
        new($$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    private static async Task<HttpClient> ClientAsync(GatewayFixture gateway, KeySpec spec)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(spec, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    [Fact]
    public async Task KeyTpm_EstimateIsReconciledWithRealUsage()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { PromptTokens = 11, CompletionTokens = 7 };
        using var client = await ClientAsync(gateway, new KeySpec("tpm") { TokensPerMinute = 70 });

        // Each request is counted up front as its prompt estimate plus max_tokens 40, then corrected
        // to the 18 tokens it used: two fit in 70 only because the first was corrected.
        var first = await client.PostAsync("v1/chat/completions", Chat(40));
        var second = await client.PostAsync("v1/chat/completions", Chat(40));
        var third = await client.PostAsync("v1/chat/completions", Chat(40));
        var error = JsonNode.Parse(await third.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains("may use 70 tokens a minute", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(2, gateway.Upstream.Requests.Count);
        Assert.Equal(2, (await gateway.LedgerAsync()).Count);
    }

    [Fact]
    public async Task KeyConcurrency_ExtraRequestsAreRefusedWhileTwoAreInFlight()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { FirstByteDelay = TimeSpan.FromMilliseconds(700) };
        using var client = await ClientAsync(gateway, new KeySpec("narrow") { MaxConcurrency = 2 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsync("v1/chat/completions", Chat())));
        var after = await client.PostAsync("v1/chat/completions", Chat());

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(3, refused.Count);
        Assert.Contains("may have 2 requests in flight at once", await refused[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(refused[0].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ProjectRpm_IsSharedByTheProjectsKeys()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + """

            projects:
              research: { rpm: 3 }
            """);
        using var alice = await ClientAsync(gateway, new KeySpec("alice") { Project = "research" });
        using var bob = await ClientAsync(gateway, new KeySpec("bob") { Project = "research" });
        using var outsider = await ClientAsync(gateway, new KeySpec("outsider"));

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { alice, bob, alice, bob })
        {
            statuses.Add((await client.PostAsync("v1/chat/completions", Chat())).StatusCode);
        }

        var other = await outsider.PostAsync("v1/chat/completions", Chat());
        using var anthropic = new HttpClient { BaseAddress = gateway.BaseUrl };
        anthropic.DefaultRequestHeaders.Add("x-api-key", alice.DefaultRequestHeaders.Authorization!.Parameter);
        var messages = await anthropic.PostAsync("v1/messages", new StringContent("""{"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await messages.Content.ReadAsStringAsync())!;

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, messages.StatusCode);
        Assert.Equal("rate_limit_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Contains("project 'research' may send 3 requests a minute", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectTpm_IsSharedByTheProjectsKeysAndReconciled()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + """

            projects:
              research: { tpm: 70 }
            """);
        gateway.Upstream.Default = new Reply { PromptTokens = 11, CompletionTokens = 7 };
        using var alice = await ClientAsync(gateway, new KeySpec("alice") { Project = "research" });
        using var bob = await ClientAsync(gateway, new KeySpec("bob") { Project = "research" });

        var first = await alice.PostAsync("v1/chat/completions", Chat(40));
        var second = await bob.PostAsync("v1/chat/completions", Chat(40));
        var third = await alice.PostAsync("v1/chat/completions", Chat(40));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("project 'research' may use 70 tokens a minute", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentRpm_AtItsLimitRoutingMovesToTheNextDeployment()
    {
        await using var gateway = await GatewayFixture.StartAsync("""
            providers:
              local: { kind: openai-compatible, base_url: "{upstream}", jurisdiction: self-hosted }
            models:
              - name: test-model
                deployments:
                  - { provider: local, model: first, rpm: 1, price: { input: 1, output: 2, currency: USD } }
                  - { provider: local, model: second, price: { input: 1, output: 2, currency: USD } }
            """);

        var one = await gateway.Http.PostAsync("v1/chat/completions", Chat());
        var two = await gateway.Http.PostAsync("v1/chat/completions", Chat());

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal("local/first", one.Headers.GetValues("X-Ciyuan-Deployment").Single());
        Assert.Equal("local/second", two.Headers.GetValues("X-Ciyuan-Deployment").Single());
        Assert.Equal(["first", "second"], gateway.Upstream.Requests.Select(r => r.Json["model"]!.GetValue<string>()));
    }
}
