using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Limits;

/// <summary>
/// Redis, which holds the limits shared by every instance, goes away under a running gateway and
/// comes back. By default (<c>storage.redis_unavailable: fail_closed</c>) a request a shared limit
/// applies to gets a 503 in its dialect and never reaches the upstream; with <c>fail_open_local</c>
/// it is counted in the instance's memory and served. Either way <c>/readyz</c> says the limit
/// store is unreachable, and everything is as before once Redis answers again.
/// </summary>
public sealed class RedisOutageTests : IDisposable
{
    private readonly RedisInstance _redis = RedisInstance.Start();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task Chat_RedisDownFailClosed_Gets503WithoutReachingTheUpstreamAndRecovers()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml(null));
        using var client = await ClientAsync(gateway);
        var before = await ReadyAsync(gateway);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client)).StatusCode);

        _redis.Stop();
        var refused = await ChatAsync(client);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        var during = await ReadyAsync(gateway);
        var upstreamDuring = gateway.Upstream.Requests.Count;

        _redis.StartAgain();
        var recovered = await UntilAsync(() => ChatAsync(client), r => r.StatusCode == HttpStatusCode.OK);
        var after = await ReadyAsync(gateway);

        Assert.Equal(("ready", "reachable"), (before["status"]!.GetValue<string>(), before["limits"]!["redis"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("limits_unavailable", body["error"]!["code"]!.GetValue<string>());
        Assert.Contains("fail_closed", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(1, upstreamDuring);
        Assert.Equal("degraded", during["status"]!.GetValue<string>());
        Assert.Equal(("unreachable", "fail_closed"), (during["limits"]!["redis"]!.GetValue<string>(), during["limits"]!["when_unreachable"]!.GetValue<string>()));
        Assert.NotNull(during["limits"]!["unreachable_since"]);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(("ready", "reachable"), (after["status"]!.GetValue<string>(), after["limits"]!["redis"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Chat_RedisDownFailOpenLocal_IsServedCountedLocallyAndReportedDegraded()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml("fail_open_local"));
        using var client = await ClientAsync(gateway);
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client)).StatusCode);

        _redis.Stop();
        var served = await ChatAsync(client);
        var during = await ReadyAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(2, gateway.Upstream.Requests.Count);
        Assert.Equal("degraded", during["status"]!.GetValue<string>());
        Assert.Equal(("unreachable", "fail_open_local"), (during["limits"]!["redis"]!.GetValue<string>(), during["limits"]!["when_unreachable"]!.GetValue<string>()));
        Assert.Equal(2, (await gateway.LedgerWhenAsync(2)).Count);
    }

    private string Yaml(string? mode) => GatewayFixture.DefaultYaml + $$"""

        storage:
          redis: "{{_redis.ConnectionString}}"
        {{(mode is null ? "" : $"  redis_unavailable: {mode}")}}
        projects:
          shared: { rpm: 1000, max_concurrency: 100 }
        """;

    private static async Task<HttpClient> ClientAsync(GatewayFixture gateway)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("member") { Project = "shared" }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client) =>
        client.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    private static async Task<JsonNode> ReadyAsync(GatewayFixture gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        return JsonNode.Parse(await http.GetStringAsync("readyz"))!;
    }

    /// <summary>Asks again until the answer is the one expected (the client reconnects by itself), for at most a minute.</summary>
    private static async Task<HttpResponseMessage> UntilAsync(Func<Task<HttpResponseMessage>> ask, Func<HttpResponseMessage, bool> done)
    {
        var answer = await ask();
        for (var i = 0; i < 240 && !done(answer); i++)
        {
            await Task.Delay(250);
            answer = await ask();
        }

        return answer;
    }
}
