using Ciyuan.Core.Keys;
using Ciyuan.Storage.Postgres;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Keys and budget lines changed by one instance wake the others through LISTEN/NOTIFY — no
/// polling — and a listener whose database restarted listens again and wakes its waiters.
/// </summary>
public sealed class PostgresChangeFeedTests : IAsyncDisposable
{
    private readonly List<IStorageBackend> _instances = [];
    private PostgresInstance? _server;

    [Fact]
    public async Task KeyCreated_ByAnotherInstance_WakesTheWaiter()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var writer = await OpenAsync(database, "instance-writer");
        var reader = await OpenAsync(database, "instance-reader");
        await ((PostgresChangeFeed)reader.Changes).Connected;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(20));

        var woken = reader.Changes.WaitAsync(ChangeTopics.Keys, patience.Token);
        await writer.Keys.CreateAsync(Key("k1"), CancellationToken.None);
        await woken;

        Assert.Equal(1, await reader.Keys.GetVersionAsync(CancellationToken.None));
        Assert.False(patience.IsCancellationRequested);
    }

    [Fact]
    public async Task Listener_DatabaseRestarted_ListensAgainAndWakesItsWaiters()
    {
        _server = await PostgresInstance.StartAsync();
        var database = await _server.CreateDatabaseAsync();
        var reader = await OpenAsync(database, "instance-reader");
        var feed = (PostgresChangeFeed)reader.Changes;
        await feed.Connected;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(40));

        var woken = reader.Changes.WaitAsync(ChangeTopics.Budgets, patience.Token);
        await _server.StopAsync();
        await _server.StartAgainAsync();

        // Notices sent while nobody listened are lost, so a reconnect wakes every waiter to look.
        await woken;
        Assert.False(patience.IsCancellationRequested);
        for (var i = 0; i < 200 && !feed.Listening; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var writer = await OpenAsync(database, "instance-writer");
        var next = reader.Changes.WaitAsync(ChangeTopics.Keys, patience.Token);
        await writer.Keys.CreateAsync(Key("k2"), CancellationToken.None);
        await next;
        Assert.True(feed.Listening);
    }

    private async Task<IStorageBackend> OpenAsync(string database, string id)
    {
        var instance = await PostgresTestStore.OpenAsync(database, id, TimeSpan.FromSeconds(30));
        _instances.Add(instance);
        return instance;
    }

    private static ClientKey Key(string name) => new()
    {
        Id = "key_" + name,
        Name = name,
        Hash = KeyHash.Of("cy-" + name + new string('x', 40)),
        Prefix = "cy-" + name,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
