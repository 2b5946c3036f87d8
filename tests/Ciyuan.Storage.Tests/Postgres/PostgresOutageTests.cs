using Ciyuan.Core.Metering;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// The database restarting under a running instance, on a PostgreSQL server of the test's own: a
/// served request's record waits in the outage backlog and is written when the database is back —
/// or, if the instance is killed meanwhile, by the next instance on its data directory — and a
/// request that would need a new hold is refused while the database is away.
/// </summary>
public sealed class PostgresOutageTests : StorageContract, IAsyncDisposable
{
    private PostgresInstance? _server;
    private readonly List<PostgresBackend> _instances = [];

    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => throw new NotSupportedException("these tests open their own instances");

    [Fact]
    public async Task Record_DatabaseRestarting_WaitsInTheBacklogAndIsWrittenWhenBack()
    {
        var (server, database) = await ServerAsync();
        var store = await InstanceAsync(database, "instance-a");
        var line = Line("run:a", 1_000_000);
        var hold = Hold("served", [line], 500);
        Assert.True((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);

        await server.StopAsync();
        await store.Usage.RecordAsync(Record("served", 320, hold), CancellationToken.None);
        var during = store.Health;
        await Assert.ThrowsAsync<StorageException>(() => store.BudgetLedger.ReserveAsync(Hold("new", [line], 500), [line], CancellationToken.None).AsTask());
        await server.StartAgainAsync();
        var after = await WaitAsync(() => store.Health, h => h.Backlog == 0 && h.DatabaseReachable);

        Assert.Equal((false, 1), (during.DatabaseReachable, during.Backlog));
        Assert.Equal((true, 0), (after.DatabaseReachable, after.Backlog));
        var record = Assert.Single(await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None));
        Assert.Equal(("served", new MicroUnits(320)), (record.RequestId, record.Cost));
        var status = await StatusAsync(store, line);
        Assert.Equal((new MicroUnits(320), MicroUnits.Zero), (status.Spent, status.Held));
        Assert.Empty(await store.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Backlog_InstanceKilledWhileTheDatabaseWasAway_IsWrittenByTheNextInstance()
    {
        var (server, database) = await ServerAsync();
        var dying = await InstanceAsync(database, "instance-dying");
        var line = Line("run:a", 1_000_000);
        var hold = Hold("served", [line], 500);
        Assert.True((await dying.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);

        await server.StopAsync();
        await dying.Usage.RecordAsync(Record("served", 320, hold), CancellationToken.None);
        _instances.Remove(dying);
        await dying.AbandonAsync();
        await server.StartAgainAsync();
        await LeaseBooks.KillInDatabaseAsync(database, "instance-dying");

        var next = await InstanceAsync(database, "instance-next");
        await next.ReconcileOrphansAsync(CancellationToken.None);

        var record = Assert.Single(await next.Reports.ListAsync(new UsageQuery(), CancellationToken.None));
        Assert.Equal("served", record.RequestId);
        Assert.Empty(await next.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
        var books = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);
        Assert.Equal((320L, 0L, 0L), (books.TotalSpent, books.TotalHeld, books.Leased));
    }

    private async Task<(PostgresInstance Server, string Database)> ServerAsync()
    {
        _server = await PostgresInstance.StartAsync();
        return (_server, await _server.CreateDatabaseAsync());
    }

    private async Task<PostgresBackend> InstanceAsync(string database, string id)
    {
        var instance = await PostgresTestStore.OpenInstanceAsync(database, id, TimeSpan.FromSeconds(30));
        _instances.Add(instance);
        return instance;
    }

    private static async Task<T> WaitAsync<T>(Func<T> read, Func<T, bool> until)
    {
        for (var i = 0; i < 600; i++)
        {
            var value = read();
            if (until(value))
            {
                return value;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return read();
    }

    public new async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
