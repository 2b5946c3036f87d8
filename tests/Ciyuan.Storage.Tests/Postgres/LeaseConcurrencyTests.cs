using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Leases with everything running at once on a real PostgreSQL: three instances with their
/// background renewals on, many requests in flight on each, while another connection reads the
/// line's books again and again — each read one snapshot — and checks the invariant in every one.
/// A dead instance's slice goes back by itself when its lease runs out, with nobody touching the
/// database by hand.
/// </summary>
public sealed class LeaseConcurrencyTests : StorageContract, IAsyncDisposable
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);
    private readonly List<PostgresBackend> _instances = [];

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);

    [Fact]
    public async Task Reserve_ThreeInstancesManyRequestsPastTheCap_KeepTheInvariantInEverySnapshotAndUseTheLine()
    {
        const long Cap = 2_000_000;
        const int WorkersPerInstance = 12;
        var database = await _database.Value;
        var line = Line("run:shared", Cap);
        var instances = new List<PostgresBackend>();
        for (var i = 0; i < 3; i++)
        {
            instances.Add(await InstanceAsync($"instance-{i}"));
        }

        long settled = 0;
        var granted = 0;
        using var done = new CancellationTokenSource();
        var snapshots = 0;
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await LeaseBooks.AssertInvariantAsync(database, line.Id, Cap);
                snapshots++;
            }
        }, CancellationToken.None);

        var workers = instances.SelectMany((store, i) => Enumerable.Range(0, WorkersPerInstance).Select(w => Task.Run(async () =>
        {
            var random = new Random(i * 100 + w);
            var refusedInARow = 0;
            for (var n = 0; refusedInARow < 3; n++)
            {
                var hold = Hold($"i{i}-w{w}-r{n}", [line], random.Next(500, 5_000));
                if (!(await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted)
                {
                    refusedInARow++;
                    continue;
                }

                refusedInARow = 0;
                Interlocked.Increment(ref granted);
                if (random.Next(10) == 0)
                {
                    await store.BudgetLedger.ReleaseAsync(hold, CancellationToken.None);
                    continue;
                }

                // A request usually costs less than its worst case: settlements leave change in the slice.
                var cost = hold.WorstCaseUsd.Value * random.Next(50, 101) / 100;
                await store.Usage.RecordAsync(Record(hold.RequestId, cost, hold), CancellationToken.None);
                Interlocked.Add(ref settled, cost);
            }
        }, CancellationToken.None))).ToArray();

        await Task.WhenAll(workers);
        await done.CancelAsync();
        await watcher;
        foreach (var store in instances)
        {
            await StopAsync(store);
        }

        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, Cap);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{granted} holds granted by 3 instances, {snapshots} snapshots checked; spent {after.TotalSpent} of {Cap}");
        Assert.True(snapshots > 0);
        Assert.Equal(settled, after.TotalSpent);
        Assert.Equal((0L, 0L, 0), (after.TotalHeld, after.Leased, after.Leases));
        Assert.True(after.TotalSpent * 100 >= Cap * 99, $"the line ended at {after.TotalSpent} of {Cap}: a slice kept room a request needed");
    }

    [Fact]
    public async Task DeadInstance_LeaseRunsOutOnItsOwn_SurvivorTakesTheRestAndTheOpenHoldIsInDoubt()
    {
        var database = await _database.Value;
        var leases = new LeaseConfig { Duration = TimeSpan.FromSeconds(2), SliceSeconds = TimeSpan.FromSeconds(1) };
        var dying = await InstanceAsync("instance-dying", leases, TimeSpan.FromSeconds(1));
        var line = Line("run:expiring", 100_000);
        var open = Hold("open-on-the-dead", [line], 10_000);
        Assert.True((await dying.BudgetLedger.ReserveAsync(open, [line], CancellationToken.None)).Granted);
        var whileAlive = await LeaseBooks.ReadAsync(database, line.Id);
        _instances.Remove(dying);
        await dying.AbandonAsync();
        var whenDead = await LeaseBooks.ReadAsync(database, line.Id);

        // The rest of the line is what the dead slice does not escrow for its open hold: only once
        // the lease has run out in the database can the survivor have it.
        var survivor = await InstanceAsync("instance-survivor", leases, TimeSpan.FromSeconds(1));
        var rest = Hold("rest", [line], 90_000);
        var tries = 0;
        var grantedRest = false;
        while (!grantedRest && tries++ < 120)
        {
            grantedRest = (await survivor.BudgetLedger.ReserveAsync(rest, [line], CancellationToken.None)).Granted;
            await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);
            if (!grantedRest)
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }

        // Its open hold is in doubt once the instance has been silent for orphan_after (the survivor's background finds it).
        for (var i = 0; i < 120 && (await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Count == 0; i++)
        {
            await survivor.ReconcileOrphansAsync(CancellationToken.None);
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        await survivor.Usage.RecordAsync(Record("rest", 90_000, rest), CancellationToken.None);
        await StopAsync(survivor);
        var after = await LeaseBooks.AssertInvariantAsync(database, line.Id, line.Limit.Value);

        Assert.True(whileAlive.Leased > open.WorstCaseUsd.Value, $"the dead instance's slice ({whileAlive.Leased}) escrowed more than its open hold");
        // Nothing was given back when it died: the slice came back by expiring.
        Assert.Equal(whileAlive.Leased, whenDead.Leased);
        Assert.True(grantedRest, "the survivor got the rest of the line once the dead lease ran out");
        Assert.Equal(["open-on-the-dead"], (await OpenInDoubtAsync(database)).Select(h => h.RequestId));
        Assert.Equal((100_000L, 0L, 0L, 0), (after.TotalSpent, after.TotalHeld, after.Leased, after.Leases));
    }

    private async Task<IReadOnlyList<InDoubtHold>> OpenInDoubtAsync(string database)
    {
        var reader = await InstanceAsync("instance-reader");
        return [.. (await reader.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Where(h => h.ReleasedAt is null)];
    }

    private async Task<PostgresBackend> InstanceAsync(string id, LeaseConfig? leases = null, TimeSpan? orphanAfter = null)
    {
        var instance = await PostgresTestStore.OpenInstanceAsync(await _database.Value, id, orphanAfter ?? TimeSpan.FromSeconds(30), leases: leases);
        _instances.Add(instance);
        return instance;
    }

    private async Task StopAsync(PostgresBackend instance)
    {
        _instances.Remove(instance);
        await instance.DisposeAsync();
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
