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
/// Redis is away when the gateway starts. The gateway starts anyway and behaves as it does when
/// Redis goes away later: <c>/readyz</c> answers 200 <c>degraded</c> and names the limit store
/// unreachable; with <c>fail_closed</c> a request a shared limit applies to gets a 503 in its route's
/// dialect (requests no shared limit applies to are served), with <c>fail_open_local</c> it is
/// counted in the instance's memory and served. Once Redis answers, the shared limits are used.
/// </summary>
public sealed class RedisDownAtStartTests : IDisposable
{
    private readonly RedisInstance _redis = RedisInstance.Start();

    public RedisDownAtStartTests() => _redis.Stop();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task Start_RedisDownFailClosed_StartsRefusesLimitedRequestsInTheirDialectAndRecovers()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml("fail_closed"));
        var (limited, secret) = await ClientAsync(gateway, "shared");
        using var unlimited = new HttpClient { BaseAddress = gateway.BaseUrl };
        unlimited.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.ClientKey);
        using var anthropic = new HttpClient { BaseAddress = gateway.BaseUrl };
        anthropic.DefaultRequestHeaders.Add("x-api-key", secret);

        var during = await ReadyAsync(gateway);
        using var refused = await ChatAsync(limited);
        var openAiError = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        using var refusedMessages = await anthropic.PostAsync("v1/messages", new StringContent(
            """{"model":"test-model","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var anthropicError = JsonNode.Parse(await refusedMessages.Content.ReadAsStringAsync())!;
        using var served = await ChatAsync(unlimited);
        var upstreamWhileDown = gateway.Upstream.Requests.Count;

        _redis.StartAgain();
        using var recovered = await UntilAsync(() => ChatAsync(limited), r => r.StatusCode == HttpStatusCode.OK);
        var after = await ReadyAsync(gateway);
        limited.Dispose();

        Assert.Equal("degraded", during["status"]!.GetValue<string>());
        Assert.Equal(("redis", "unreachable", "fail_closed"), (during["limits"]!["store"]!.GetValue<string>(),
            during["limits"]!["redis"]!.GetValue<string>(), during["limits"]!["when_unreachable"]!.GetValue<string>()));
        Assert.NotNull(during["limits"]!["unreachable_since"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("limits_unavailable", openAiError["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedMessages.StatusCode);
        Assert.Equal("error", anthropicError["type"]!.GetValue<string>());
        Assert.Contains("fail_closed", anthropicError["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(1, upstreamWhileDown);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal(("ready", "reachable"), (after["status"]!.GetValue<string>(), after["limits"]!["redis"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Start_RedisDownFailOpenLocal_StartsServesCountingLocallyAndSaysSo()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml("fail_open_local"));
        var (limited, _) = await ClientAsync(gateway, "tight");

        var during = await ReadyAsync(gateway);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ChatAsync(limited);
            statuses.Add(response.StatusCode);
        }

        limited.Dispose();

        Assert.Equal("degraded", during["status"]!.GetValue<string>());
        Assert.Equal(("unreachable", "fail_open_local"), (during["limits"]!["redis"]!.GetValue<string>(), during["limits"]!["when_unreachable"]!.GetValue<string>()));

        // The project's limit of 2 a minute still holds, counted in this instance's memory.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, gateway.Upstream.Requests.Count);
        Assert.Equal(2, (await gateway.LedgerWhenAsync(2)).Count);
    }

    private string Yaml(string mode) => GatewayFixture.DefaultYaml + $$"""

        storage:
          redis: "{{_redis.ConnectionString}},connectTimeout=500"
          redis_unavailable: {{mode}}
        projects:
          shared: { rpm: 1000, max_concurrency: 100 }
          tight: { rpm: 2 }
        """;

    private static async Task<(HttpClient Client, string Secret)> ClientAsync(GatewayFixture gateway, string project)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("member") { Project = project }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return (http, secret);
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client) =>
        client.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    private static async Task<JsonNode> ReadyAsync(GatewayFixture gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var response = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Asks again until the answer is the one expected (the client reconnects by itself), for at most a minute.</summary>
    private static async Task<HttpResponseMessage> UntilAsync(Func<Task<HttpResponseMessage>> ask, Func<HttpResponseMessage, bool> done)
    {
        var answer = await ask();
        for (var i = 0; i < 240 && !done(answer); i++)
        {
            answer.Dispose();
            await Task.Delay(250);
            answer = await ask();
        }

        return answer;
    }
}
