using Ciyuan.Core.Metering;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// What only a shared database has to get right: several live instances reserving against one line,
/// reconciling at once, and a presumed-dead instance settling after all.
/// </summary>
public sealed class PostgresInstancesTests : StorageContract
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);

    private TimeSpan _orphanAfter = TimeSpan.Zero;

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId, _orphanAfter);

    [Fact]
    public async Task Reserve_TwoInstancesInParallel_NeverHoldMoreThanTheLimitAndSettleExactly()
    {
        _orphanAfter = TimeSpan.FromSeconds(30);
        var one = await OpenAsync("instance-1");
        var two = await OpenAsync("instance-2");
        var line = Line("run:shared", 1_000);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var store = i % 2 == 0 ? one : two;
            var hold = Hold($"r{i}", [line], 10);
            var granted = (await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted;
            return (Store: store, Hold: hold, Granted: granted);
        }));
        var heldAtPeak = await StatusAsync(one, line);
        await Task.WhenAll(outcomes.Where(o => o.Granted).Select(o => o.Store.Usage.RecordAsync(Record(o.Hold.RequestId, 7, o.Hold), CancellationToken.None).AsTask()));
        var settled = await StatusAsync(two, line);

        // Which instance gets how much is up to scheduling: one may lease the whole line before the
        // other asks (then only its own 100 requests are granted); the sum is what must hold.
        Assert.Equal(100, outcomes.Count(o => o.Granted));
        Assert.Equal((MicroUnits.Zero, new MicroUnits(1_000)), (heldAtPeak.Spent, heldAtPeak.Held));
        Assert.Equal((new MicroUnits(700), MicroUnits.Zero), (settled.Spent, settled.Held));
    }

    [Fact]
    public async Task Reconcile_TwoSurvivorsAtOnce_MoveEachOrphanOnce()
    {
        var dying = await OpenAsync("instance-dying");
        var line = Line("run:a", 1_000_000);
        for (var i = 0; i < 40; i++)
        {
            await dying.BudgetLedger.ReserveAsync(Hold($"r{i}", [line], 25), [line], CancellationToken.None);
        }

        await CloseAsync(dying);
        var one = await OpenAsync("instance-1");
        var two = await OpenAsync("instance-2");

        var found = await Task.WhenAll(one.ReconcileOrphansAsync(CancellationToken.None), two.ReconcileOrphansAsync(CancellationToken.None));
        var status = await StatusAsync(one, line);

        Assert.Equal(40, found.Sum());
        Assert.Equal(40, (await one.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Count);
        Assert.Equal((new MicroUnits(1_000), MicroUnits.Zero), (status.Spent, status.Held));
    }

    [Fact]
    public async Task Reconcile_LiveInstanceHeartbeating_LeavesItsHoldsAlone()
    {
        _orphanAfter = TimeSpan.FromSeconds(30);
        var busy = await OpenAsync("instance-busy");
        var line = Line("run:a", 1_000);
        await busy.BudgetLedger.ReserveAsync(Hold("r1", [line], 300), [line], CancellationToken.None);
        var other = await OpenAsync("instance-other");

        var found = await other.ReconcileOrphansAsync(CancellationToken.None);

        Assert.Equal(0, found);
        Assert.Equal(new MicroUnits(300), (await StatusAsync(other, line)).Held);
    }

    [Fact]
    public async Task Settle_AfterItsInstanceWasTakenForDead_CountsTheCostOnce()
    {
        var slow = await OpenAsync("instance-slow");
        var line = Line("run:a", 1_000);
        var late = Hold("r-late", [line], 300);
        var released = Hold("r-released", [line], 200);
        await slow.BudgetLedger.ReserveAsync(late, [line], CancellationToken.None);
        await slow.BudgetLedger.ReserveAsync(released, [line], CancellationToken.None);
        var survivor = await OpenAsync("instance-survivor");
        Assert.Equal(2, await survivor.ReconcileOrphansAsync(CancellationToken.None));
        Assert.Equal(new MicroUnits(500), (await StatusAsync(survivor, line)).Spent);
        Assert.True(await survivor.BudgetLedger.ReleaseInDoubtAsync("r-released", Now, CancellationToken.None));

        // The slow instance was alive after all: its records arrive and settle both requests.
        await slow.Usage.RecordAsync(Record("r-late", 120, late), CancellationToken.None);
        await slow.Usage.RecordAsync(Record("r-released", 50, released), CancellationToken.None);
        var status = await StatusAsync(survivor, line);

        Assert.Equal((new MicroUnits(170), MicroUnits.Zero), (status.Spent, status.Held));
        Assert.Empty(await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
        Assert.False(await survivor.BudgetLedger.ReleaseInDoubtAsync("r-late", Now, CancellationToken.None));
    }

    [Fact]
    public async Task Reconcile_RacingLateSettlements_NeverCountsAHoldTwice()
    {
        var slow = await OpenAsync("instance-slow");
        var line = Line("run:a", 1_000_000);
        var holds = Enumerable.Range(0, 60).Select(i => Hold($"r{i}", [line], 100)).ToList();
        foreach (var hold in holds)
        {
            await slow.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);
        }

        var survivor = await OpenAsync("instance-survivor");
        var settling = Task.WhenAll(holds.Select(h => slow.Usage.RecordAsync(Record(h.RequestId, 40, h), CancellationToken.None).AsTask()));
        var reconciling = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => survivor.ReconcileOrphansAsync(CancellationToken.None)));
        await Task.WhenAll(settling, reconciling);
        var status = await StatusAsync(survivor, line);

        // Whichever came first for each request, the end is the same: the cost counted once, nothing held.
        Assert.Equal((new MicroUnits(60 * 40), MicroUnits.Zero), (status.Spent, status.Held));
        Assert.Empty(await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reserve_TwoLinesFromTwoInstancesInOppositeOrder_DoNotDeadlock()
    {
        _orphanAfter = TimeSpan.FromSeconds(30);
        var one = await OpenAsync("instance-1");
        var two = await OpenAsync("instance-2");
        var a = Line("line:a", 1_000_000);
        var b = Line("line:b", 1_000_000);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => i % 2 == 0
            ? one.BudgetLedger.ReserveAsync(Hold($"r{i}", [a, b], 10), [a, b], CancellationToken.None).AsTask()
            : two.BudgetLedger.ReserveAsync(Hold($"r{i}", [b, a], 10), [b, a], CancellationToken.None).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(new MicroUnits(1_000), (await StatusAsync(one, a)).Held);
        Assert.Equal(new MicroUnits(1_000), (await StatusAsync(two, b)).Held);
    }
}
