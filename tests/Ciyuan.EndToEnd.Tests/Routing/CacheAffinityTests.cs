using System.Net;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Routing;

/// <summary>
/// Prompt-cache affinity through the gateway: requests that share a long prefix (an agent swarm's
/// system prompt) land on one deployment and one upstream key while it is healthy, and move when it fails.
/// </summary>
public sealed class CacheAffinityTests
{
    private static readonly string SharedPrefix = "You are sub-agent of swarm 42. Shared context: " + string.Concat(Enumerable.Repeat("The plan has many steps and every agent reads it. ", 40));

    private static StringContent Ask(string prefix, int agent) => new(
        $$"""{"model":"swarm","messages":[{"role":"system","content":"{{prefix}}"},{"role":"user","content":"agent {{agent}}: do your step"}]}""",
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task SharedPrefix_LandsOnOneDeploymentWhileHealthy_AndMovesWhenItFails()
    {
        await using var a = await UpstreamServer.StartAsync();
        await using var b = await UpstreamServer.StartAsync();
        var yaml = $$"""
            providers:
              p1: { kind: openai-compatible, base_url: "{upstream}" }
              p2: { kind: openai-compatible, base_url: "{{a.BaseUrl}}" }
              p3: { kind: openai-compatible, base_url: "{{b.BaseUrl}}" }
            models:
              - name: swarm
                strategy: least-busy
                deployments:
                  - { provider: p1, model: m }
                  - { provider: p2, model: m }
                  - { provider: p3, model: m }
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        var servers = new Dictionary<string, UpstreamServer> { ["p1"] = gateway.Upstream, ["p2"] = a, ["p3"] = b };

        var first = new List<string>();
        for (var agent = 0; agent < 12; agent++)
        {
            var response = await gateway.Http.PostAsync("v1/chat/completions", Ask(SharedPrefix, agent));
            first.Add(response.Headers.GetValues("X-Ciyuan-Provider").Single());
        }

        var home = Assert.Single(first.Distinct());
        servers[home].Default = new Fail(500, """{"error":{"message":"down","type":"server_error"}}""");
        var after = new List<string>();
        for (var agent = 0; agent < 12; agent++)
        {
            var response = await gateway.Http.PostAsync("v1/chat/completions", Ask(SharedPrefix, agent));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            after.Add(response.Headers.GetValues("X-Ciyuan-Provider").Single());
        }

        Assert.DoesNotContain(home, after);
        Assert.Single(after.Distinct());
    }

    [Fact]
    public async Task KeyPool_SharedPrefixUsesOneKey_OtherPrefixesSpreadOverTheKeys()
    {
        const string yaml = """
            providers:
              vendor:
                kind: openai-compatible
                base_url: "{upstream}"
                api_keys:
                  - { key: key-one }
                  - { key: key-two }
                  - { key: key-three }
            models:
              - name: swarm
                deployments:
                  - { provider: vendor, model: m }
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);

        for (var agent = 0; agent < 8; agent++)
        {
            (await gateway.Http.PostAsync("v1/chat/completions", Ask(SharedPrefix, agent))).EnsureSuccessStatusCode();
        }

        for (var swarm = 0; swarm < 24; swarm++)
        {
            (await gateway.Http.PostAsync("v1/chat/completions", Ask($"Swarm {swarm} " + SharedPrefix, 0))).EnsureSuccessStatusCode();
        }

        var keys = gateway.Upstream.Requests.Select(r => r.Header("authorization")).ToList();
        Assert.Single(keys.Take(8).Distinct());
        Assert.Equal(3, keys.Skip(8).Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith("Bearer key-", k, StringComparison.Ordinal));
    }
}
