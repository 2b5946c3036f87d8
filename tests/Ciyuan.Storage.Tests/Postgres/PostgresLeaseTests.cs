using Ciyuan.Core.Configuration;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;
using Npgsql;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Budget leases on a real PostgreSQL: a hot line costs few database round trips, slices go back on
/// a clean stop and on expiry, the database fences a stale instance, a renewal that cannot get the
/// line's lock fails and recovers, and the last of a line is used by whichever instance asks.
/// </summary>
public sealed class PostgresLeaseTests : StorageContract, IAsyncDisposable
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);
    private readonly List<PostgresBackend> _instances = [];

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);

    [Fact]
    public async Task Reserve_ManyRequestsOnOneHotLine_RenewItsSliceRarely()
    {
        var store = await InstanceAsync("instance-hot");
        var line = Line("run:hot", 100_000_000);
        const int Requests = 400;

        for (var wave = 0; wave < Requests / 8; wave++)
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
            {
                var hold = Hold($"w{wave}-{i}", [line], 100);
                Assert.True((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);
                await store.Usage.RecordAsync(Record(hold.RequestId, 60, hold), CancellationToken.None);
            }));
        }

        var books = await LeaseBooks.AssertInvariantAsync(await _database.Value, line.Id, line.Limit.Value);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Requests} requests, {store.LeaseRenewals} lease renewals");
        Assert.True(store.LeaseRenewals * 10 <= Requests, $"{store.LeaseRenewals} renewals for {Requests} requests");
        Assert.Equal(Requests * 60L, books.TotalSpent);
        Assert.Equal(0, books.TotalHeld);
    }

    [Fact]
    public async Task Stop_Clean_GivesEveryLeaseBackAndTheInstanceIsGone()
    {
        var database = await _database.Value;
        var store = await InstanceAsync("instance-stopping");
        var line = Line("run:a", 1_000_000);
        for (var i = 0; i < 5; i++)
        {
            var hold = Hold($"r{i}", [line], 1_000);
            await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);
            await store.Usage.RecordAsync(Record(hold.RequestId, 700, hold), CancellationToken.None);
        }

        var leased = await LeaseBooks.ReadAsync(database, line.Id);
        await StopAsync(store);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.True(leased.Leased > 0, "the instance leased a slice while it served");
        Assert.Equal((0L, 0, 3_500L), (after.Leased, after.Leases, after.TotalSpent));
        Assert.True(await ScalarAsync<bool>(database, "SELECT gone FROM instances WHERE id = 'instance-stopping';"));
    }

    [Fact]
    public async Task DeadInstance_LeaseExpired_UnusedSliceReturnsAndOpenHoldsAreInDoubt()
    {
        var database = await _database.Value;
        var dying = await InstanceAsync("instance-dying");
        var line = Line("run:a", 100_000);
        var holds = Enumerable.Range(0, 3).Select(i => Hold($"r{i}", [line], 10_000)).ToList();
        foreach (var hold in holds)
        {
            Assert.True((await dying.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);
        }

        await dying.Usage.RecordAsync(Record("r0", 4_000, holds[0]), CancellationToken.None);
        var whileAlive = await LeaseBooks.ReadAsync(database, line.Id);
        await dying.AbandonAsync();
        _instances.Remove(dying);
        await LeaseBooks.KillInDatabaseAsync(database, "instance-dying");

        var survivor = await InstanceAsync("instance-survivor");
        var found = await survivor.ReconcileOrphansAsync(CancellationToken.None);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.True(whileAlive.Leased > 30_000, $"the slice ({whileAlive.Leased}) covered more than the three holds");
        Assert.Equal(2, found);
        Assert.Equal(["r1", "r2"], (await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Select(h => h.RequestId).Order());
        Assert.Equal((0L, 0, 24_000L, 0L), (after.Leased, after.Leases, after.TotalSpent, after.TotalHeld));

        // The rest of the line is the survivor's to use, to the last unit.
        Assert.True((await survivor.BudgetLedger.ReserveAsync(Hold("rest", [line], 76_000), [line], CancellationToken.None)).Granted);
        Assert.False((await survivor.BudgetLedger.ReserveAsync(Hold("over", [line], 1), [line], CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task Fence_InstanceWhoseSliceWasReclaimed_IsRefusedByTheDatabaseThenRenews()
    {
        var database = await _database.Value;
        var stale = await InstanceAsync("instance-stale");
        var other = await InstanceAsync("instance-other");
        var line = Line("run:a", 10_000);
        Assert.True((await stale.BudgetLedger.ReserveAsync(Hold("first", [line], 1_000), [line], CancellationToken.None)).Granted);
        var staleSlice = await LeaseBooks.ReadAsync(database, line.Id);

        // Its lease runs out in the database; another instance's renewal reclaims the unused part
        // and takes the rest of the line, while the stale instance's memory still counts the slice.
        await LeaseBooks.ExecuteAsync(database, "UPDATE budget_leases SET expires_at = 0 WHERE instance = 'instance-stale';");
        Assert.True((await other.BudgetLedger.ReserveAsync(Hold("other", [line], 8_000), [line], CancellationToken.None)).Granted);
        var outcome = await stale.BudgetLedger.ReserveAsync(Hold("second", [line], 1_000), [line], CancellationToken.None);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.True(staleSlice.Leased >= 2_000, "the stale instance's slice had room for a second hold");
        Assert.True(outcome.Granted, "the line still had 1,000 left, and the stale instance got it after its renewal");
        Assert.Equal(10_000, after.TotalHeld);
        Assert.False((await stale.BudgetLedger.ReserveAsync(Hold("third", [line], 1), [line], CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task Renewal_LineLockedPastTheTimeout_FailsThenRecovers()
    {
        var database = await _database.Value;
        var store = await InstanceAsync("instance-waiting", new LeaseConfig { Duration = TimeSpan.FromSeconds(4), SliceSeconds = TimeSpan.FromSeconds(1) });
        var line = Line("run:locked", 10_000);
        await LeaseBooks.ExecuteAsync(database, "INSERT INTO budget_counters (line_id, window_start, spent_micros, held_micros) VALUES ('run:locked', 0, 0, 0);");

        await using (var locker = new NpgsqlConnection(database))
        {
            await locker.OpenAsync(TestContext.Current.CancellationToken);
            await using var transaction = await locker.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await using (var take = new NpgsqlCommand("SELECT 1 FROM budget_counters WHERE line_id = 'run:locked' FOR UPDATE;", locker, transaction))
            {
                await take.ExecuteScalarAsync(TestContext.Current.CancellationToken);
            }

            await Assert.ThrowsAsync<StorageException>(() => store.BudgetLedger.ReserveAsync(Hold("r1", [line], 100), [line], CancellationToken.None).AsTask());
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        var outcome = await store.BudgetLedger.ReserveAsync(Hold("r2", [line], 100), [line], CancellationToken.None);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.True(outcome.Granted);
        Assert.Equal(100, after.TotalHeld);
        Assert.Empty(await store.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NearTheCap_TwoInstancesTakingTurns_UseTheLineToItsLastRequest()
    {
        var database = await _database.Value;
        var one = await InstanceAsync("instance-1");
        var two = await InstanceAsync("instance-2");
        var line = Line("run:tail", 10_000);
        var refusedInARow = 0;
        for (var i = 0; refusedInARow < 4 && i < 400; i++)
        {
            var store = i % 2 == 0 ? one : two;
            var hold = Hold($"r{i}", [line], 300);
            if ((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted)
            {
                // Each request costs less than it held, so every settlement leaves change in a slice.
                await store.Usage.RecordAsync(Record(hold.RequestId, 230, hold), CancellationToken.None);
                refusedInARow = 0;
            }
            else
            {
                refusedInARow++;
            }

            await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);
        }

        await StopAsync(one);
        await StopAsync(two);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        // Ends with less than one request's hold unspent: no slice kept room another instance needed.
        Assert.InRange(line.Limit.Value - after.TotalSpent, 0, 299);
        Assert.Equal(0, after.Leased);
    }

    private async Task<PostgresBackend> InstanceAsync(string id, LeaseConfig? leases = null)
    {
        var instance = await PostgresTestStore.OpenInstanceAsync(await _database.Value, id, TimeSpan.FromSeconds(30), leases: leases);
        _instances.Add(instance);
        return instance;
    }

    private async Task StopAsync(PostgresBackend instance)
    {
        _instances.Remove(instance);
        await instance.DisposeAsync();
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public new async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
