using Ciyuan.Core.Configuration;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Instances whose clocks are minutes apart, on one real PostgreSQL. Whether an instance is dead
/// and whether a lease has expired are read from the database's clock, so a clock minutes ahead
/// takes no live instance for dead, and a dead instance whose clock was minutes behind has its
/// holds found in doubt and its slice returned as soon as the database's time says so, not minutes later.
/// </summary>
public sealed class PostgresClockSkewTests : StorageContract, IAsyncDisposable
{
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(7);
    private static readonly TimeSpan OrphanAfter = TimeSpan.FromSeconds(2);
    private static readonly LeaseConfig ShortLeases = LeaseConfig.Default with { Duration = TimeSpan.FromSeconds(2), SliceSeconds = TimeSpan.FromSeconds(1) };

    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);
    private readonly List<PostgresBackend> _instances = [];

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);

    [Fact]
    public async Task Reconcile_ClocksMinutesApart_TakesNoLiveInstanceForDead()
    {
        var database = await _database.Value;
        var line = Line("run:skew", 1_000_000);
        var instances = new[]
        {
            await InstanceAsync("instance-ahead", Skew),
            await InstanceAsync("instance-behind", -Skew),
            await InstanceAsync("instance-true", TimeSpan.Zero),
        };
        foreach (var (instance, i) in instances.Select((s, i) => (s, i)))
        {
            for (var n = 0; n < 3; n++)
            {
                Assert.True((await instance.BudgetLedger.ReserveAsync(Hold($"open-{i}-{n}", [line], 1_000), [line], CancellationToken.None)).Granted);
            }
        }

        // Several orphan_after periods pass while every instance is alive and beating; each also
        // reconciles in the background meanwhile. Then each looks once more.
        await Task.Delay(OrphanAfter * 3, TestContext.Current.CancellationToken);
        var found = await Task.WhenAll(instances.Select(s => s.ReconcileOrphansAsync(CancellationToken.None)));
        var inDoubt = await instances[0].BudgetLedger.ListInDoubtAsync(CancellationToken.None);
        var books = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.Equal([0, 0, 0], found);
        Assert.Empty(inDoubt);
        Assert.Equal(9_000, books.TotalHeld);
    }

    [Fact]
    public async Task DeadInstance_ClockMinutesBehind_ItsHoldsAreInDoubtAndItsSliceReturnsByTheDatabasesTime()
    {
        var database = await _database.Value;
        var line = Line("run:skew", 100_000);
        var behind = await InstanceAsync("instance-behind", -Skew);
        var ahead = await InstanceAsync("instance-ahead", Skew);
        var settled = Hold("settled", [line], 10_000);
        var open = Hold("open", [line], 10_000);
        Assert.True((await behind.BudgetLedger.ReserveAsync(settled, [line], CancellationToken.None)).Granted);
        Assert.True((await behind.BudgetLedger.ReserveAsync(open, [line], CancellationToken.None)).Granted);
        await behind.Usage.RecordAsync(Record("settled", 4_000, settled), CancellationToken.None);
        var whileAlive = await LeaseBooks.ReadAsync(database, line.Id);

        // Killed: no goodbye, nothing given back. Only time, as the database counts it, frees what it had.
        await behind.AbandonAsync();
        _instances.Remove(behind);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<Core.Budgets.InDoubtHold> inDoubt = [];
        LeaseBooks.LineState after;
        do
        {
            // The survivor also looks by itself every orphan_after; asking here only looks sooner.
            await Task.Delay(100, TestContext.Current.CancellationToken);
            await ahead.ReconcileOrphansAsync(CancellationToken.None);
            inDoubt = await ahead.BudgetLedger.ListInDoubtAsync(CancellationToken.None);
            after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);
        }
        while ((inDoubt.Count == 0 || after.Leases > 0) && clock.Elapsed < Skew / 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"in doubt and slice returned {clock.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(whileAlive.Leased > 20_000, $"the dead instance's slice ({whileAlive.Leased}) covered more than its two holds");
        Assert.True(clock.Elapsed < Skew / 2, "what the dead instance had was freed by the database's clock, not minutes later by its own");
        Assert.Equal("open", Assert.Single(inDoubt).RequestId);
        Assert.Equal((0L, 0, 14_000L, 0L), (after.Leased, after.Leases, after.TotalSpent, after.TotalHeld));

        // The rest of the line is the survivor's, to the last unit.
        Assert.True((await ahead.BudgetLedger.ReserveAsync(Hold("rest", [line], 86_000), [line], CancellationToken.None)).Granted);
        Assert.False((await ahead.BudgetLedger.ReserveAsync(Hold("over", [line], 1), [line], CancellationToken.None)).Granted);
    }

    private async Task<PostgresBackend> InstanceAsync(string id, TimeSpan skew)
    {
        var instance = await PostgresTestStore.OpenInstanceAsync(await _database.Value, id, OrphanAfter, new SkewedClock(skew), ShortLeases);
        _instances.Add(instance);
        return instance;
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
