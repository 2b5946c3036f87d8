using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Limits;

/// <summary>Two gateway instances sharing Redis enforce one project's limits together, not one each.</summary>
public sealed class SharedRedisLimitTests : IDisposable
{
    private readonly RedisServer _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task ProjectRpm_TwoInstancesSharingRedis_AdmitTheLimitInAll()
    {
        // A project name of its own: the counters are shared by every instance on this Redis.
        var project = "p" + Guid.NewGuid().ToString("N")[..12];
        var yaml = GatewayFixture.DefaultYaml + $$"""

            storage:
              redis: "{{_redis.ConnectionString}}"
            projects:
              {{project}}: { rpm: 20, max_concurrency: 1000 }
            """;
        await using var first = await GatewayFixture.StartAsync(yaml);
        await using var second = await GatewayFixture.StartAsync(yaml, upstream: null);
        using var a = await ClientAsync(first, project);
        using var b = await ClientAsync(second, project);

        // Alternating: each instance alone would admit all 30 (20 a minute each); together they admit 20.
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            responses.Add(await (i % 2 == 0 ? a : b).PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[]}""", Encoding.UTF8, "application/json")));
        }

        Assert.All(responses.Take(20), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses.Skip(20), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.All(responses.Skip(20), r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Equal(10, first.Upstream.Requests.Count);
        Assert.Equal(10, second.Upstream.Requests.Count);
    }

    private static async Task<HttpClient> ClientAsync(GatewayFixture gateway, string project)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("member") { Project = project }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }
}
