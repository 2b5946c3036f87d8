using Ciyuan.Core.Limits;
using Ciyuan.Storage.Redis;
using StackExchange.Redis;
using RedisServer = Ciyuan.Testing.Servers.RedisServer;

[assembly: AssemblyFixture(typeof(RedisServer))]

namespace Ciyuan.Storage.Tests.Limits;

/// <summary>
/// The contract against a real Redis (see <see cref="RedisServer"/>). Redis reads its own clock,
/// which a test cannot move, so window sliding is proven against memory only; here the time-bound
/// parts are lease expiry (a one-second lifetime and a short real wait) and the expiry Redis puts
/// on the keys. Each test gets its own key prefix and its own connections ("gateway instances").
/// </summary>
public sealed class RedisLimitCountersTests(RedisServer server) : LimitCountersContract, IAsyncDisposable
{
    private readonly string _prefix = RedisServer.NewKeyPrefix(nameof(RedisLimitCountersTests));
    private readonly List<IConnectionMultiplexer> _connections = [];

    protected override TimeSpan ShortLeaseLifetime => TimeSpan.FromSeconds(1);

    protected override async ValueTask<ILimitCounters> CreateAsync(TimeSpan? leaseLifetime = null) =>
        new RedisLimitCounters(await ConnectAsync(), _prefix, leaseLifetime);

    // A separate multiplexer, as a second gateway process would have.
    protected override async ValueTask<ILimitCounters> CreatePeerAsync(ILimitCounters first) =>
        new RedisLimitCounters(await ConnectAsync(), _prefix);

    protected override Task PassAsync(TimeSpan duration) => Task.Delay(duration, Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryAddAsync_Added_SegmentKeyExpiresWithinSeventySeconds()
    {
        var counters = await CreateAsync();

        Assert.True((await counters.TryAddAsync([new RateCharge("key", 1, 10)], Ct)).Allowed);

        var keys = await KeysAsync("rl:key:*");
        var key = Assert.Single(keys);
        var ttl = await _connections[0].GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(70));
    }

    [Fact]
    public async Task TryEnterAsync_Entered_LeaseSetExpiresWithLeaseLifetime()
    {
        var counters = await CreateAsync(TimeSpan.FromMinutes(2));

        Assert.True((await counters.TryEnterAsync([new ConcurrencySlot("key", 1)], "lease", Ct)).Allowed);

        var database = _connections[0].GetDatabase();
        var key = Assert.Single(await KeysAsync("cc:key"));
        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(110), TimeSpan.FromMinutes(2));
        Assert.Equal(1, await database.SortedSetLengthAsync(key));
    }

    [Fact]
    public async Task ConnectAsync_Unreachable_ThrowsStorageExceptionWithoutPassword()
    {
        const string password = "hunter2-do-not-print";

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            RedisLimitCounters.ConnectAsync($"127.0.0.1:1,password={password},connectTimeout=500,connectRetry=0", _prefix));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAddAsync_ServerUnreachable_ThrowsStorageException()
    {
        var options = ConfigurationOptions.Parse("127.0.0.1:1,abortConnect=false,connectTimeout=200");
        options.BacklogPolicy = BacklogPolicy.FailFast;   // fail at once instead of queueing for a reconnect
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var counters = new RedisLimitCounters(connection, _prefix);

        var error = await Assert.ThrowsAsync<StorageException>(async () => await counters.TryAddAsync([new RateCharge("key", 1, 1)], Ct));

        Assert.StartsWith("Redis limit counters could not add to rate counters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_Reachable_OwnsAndClosesConnection()
    {
        var counters = await RedisLimitCounters.ConnectAsync(server.ConnectionString, _prefix);

        Assert.True((await counters.TryAddAsync([new RateCharge("key", 1, 1)], Ct)).Allowed);
        await counters.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(async () => await counters.TryAddAsync([new RateCharge("key", 1, 1)], Ct));
    }

    [Fact]
    public async Task ConnectAsync_UnreachableWithoutRequiringTheServer_FailsEachCallAtOnceUntilRedisAnswers()
    {
        using var redis = Ciyuan.Testing.Servers.RedisInstance.Start();
        redis.Stop();

        await using var counters = await RedisLimitCounters.ConnectAsync(redis.ConnectionString + ",connectTimeout=500", _prefix, requireServer: false);
        var whileAway = await Assert.ThrowsAsync<StorageException>(async () => await counters.TryAddAsync([new RateCharge("key", 1, 2)], Ct));
        var connectedWhileAway = counters.IsConnected;
        redis.StartAgain();
        for (var i = 0; i < 600 && !counters.IsConnected; i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.False(connectedWhileAway);
        Assert.StartsWith("Redis limit counters could not add to rate counters", whileAway.Message, StringComparison.Ordinal);
        Assert.True(counters.IsConnected, "the counters connected once Redis answered");
        Assert.True((await counters.TryAddAsync([new RateCharge("key", 1, 2)], Ct)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_AfterServerForgetsScripts_StillWorks()
    {
        var counters = await CreateAsync();
        Assert.True((await counters.TryAddAsync([new RateCharge("key", 1, 2)], Ct)).Allowed);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");

        await admin.GetServer(admin.GetEndPoints()[0]).ScriptFlushAsync();

        Assert.True((await counters.TryAddAsync([new RateCharge("key", 1, 2)], Ct)).Allowed);
        Assert.False((await counters.TryAddAsync([new RateCharge("key", 1, 2)], Ct)).Allowed);
    }

    private async Task<RedisKey[]> KeysAsync(string pattern)
    {
        var connection = _connections[0];
        var endpoint = connection.GetEndPoints()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in connection.GetServer(endpoint).KeysAsync(pattern: _prefix + pattern).WithCancellation(Ct))
        {
            keys.Add(key);
        }

        return [.. keys];
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        _connections.Add(connection);
        return connection;
    }
}
