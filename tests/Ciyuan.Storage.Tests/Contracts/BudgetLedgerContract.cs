using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>Reservation, settlement, windows and in-doubt holds: the same answers from every backend.</summary>
public abstract class BudgetLedgerContract : StorageContract
{
    [Fact]
    public async Task Reserve_WithinTheLimit_HoldsAndStatusShowsIt()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);

        var outcome = await store.BudgetLedger.ReserveAsync(Hold("r1", [line], 400), [line], CancellationToken.None);
        var status = await StatusAsync(store, line);

        Assert.True(outcome.Granted);
        Assert.Equal(new MicroUnits(400), status.Held);
        Assert.Equal(MicroUnits.Zero, status.Spent);
        Assert.Equal(new MicroUnits(600), status.Remaining);
    }

    [Fact]
    public async Task Reserve_OverTheLimit_RefusesNamingTheLineAndWhatIsLeft()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);
        await store.BudgetLedger.ReserveAsync(Hold("r1", [line], 700), [line], CancellationToken.None);

        var outcome = await store.BudgetLedger.ReserveAsync(Hold("r2", [line], 400), [line], CancellationToken.None);

        Assert.False(outcome.Granted);
        Assert.Equal("run:a", outcome.Refused!.Id);
        Assert.Equal(new MicroUnits(300), outcome.Remaining);
        Assert.Equal(new MicroUnits(400), outcome.Needed);
        Assert.Equal(new MicroUnits(700), (await StatusAsync(store, line)).Held);
    }

    [Fact]
    public async Task Reserve_OneLineFull_HoldsOnNone()
    {
        var store = await OpenAsync();
        var roomy = Line("project:p", 10_000, BudgetScopeKind.Project, "research");
        var tight = Line("run:a", 100);

        var outcome = await store.BudgetLedger.ReserveAsync(Hold("r1", [roomy, tight], 500), [roomy, tight], CancellationToken.None);

        Assert.False(outcome.Granted);
        Assert.Equal("run:a", outcome.Refused!.Id);
        Assert.Equal(MicroUnits.Zero, (await StatusAsync(store, roomy)).Held);
    }

    [Fact]
    public async Task Reserve_SameRequestTwice_HoldsOnce()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);
        var hold = Hold("r1", [line], 300);

        Assert.True((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);
        Assert.True((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);

        Assert.Equal(new MicroUnits(300), (await StatusAsync(store, line)).Held);
    }

    [Fact]
    public async Task Reserve_SameRequestAgainWhenItsHoldFilledTheLine_IsGrantedWithoutHoldingTwice()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);
        var hold = Hold("r1", [line], 700);

        Assert.True((await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None)).Granted);
        var again = await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);

        Assert.True(again.Granted);
        Assert.Equal(new MicroUnits(700), (await StatusAsync(store, line)).Held);
    }

    [Fact]
    public async Task Settle_ByItsUsageRecord_ReplacesTheHoldByTheCostDurablyAndOnce()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);
        var hold = Hold("r1", [line], 300);
        await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);

        await store.Usage.RecordAsync(Record("r1", 120, hold), CancellationToken.None);
        await store.Usage.RecordAsync(Record("r1", 120, hold), CancellationToken.None);
        var live = await StatusAsync(store, line);
        await CloseAsync(store);
        var reopened = await StatusAsync(await OpenAsync("instance-b"), line);

        Assert.Equal((new MicroUnits(120), MicroUnits.Zero), (live.Spent, live.Held));
        Assert.Equal(new MicroUnits(120), reopened.Spent);
        Assert.Equal(MicroUnits.Zero, reopened.Held);
    }

    [Fact]
    public async Task Settle_RecordThatNeverCommits_CountsTheHoldAndLeavesItInDoubt()
    {
        var dying = await OpenAsync("instance-dying");
        var line = Line("run:eur", 1_000, currency: "EUR");   // no rate to convert a USD cost: the record's batch fails
        var hold = Hold("r1", [line], 300);
        await dying.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);

        await Assert.ThrowsAsync<StorageException>(() => dying.Usage.RecordAsync(Record("r1", 100, hold), CancellationToken.None).AsTask());
        var stillHeld = await StatusAsync(dying, line);
        await CloseAsync(dying);
        var survivor = await OpenAsync("instance-survivor");
        await survivor.ReconcileOrphansAsync(CancellationToken.None);

        // Counted at its held amount either way: still held (found in doubt at the next start), or
        // already in doubt (a shared backend marks it as soon as it can).
        Assert.Equal(new MicroUnits(300), stillHeld.Held + stillHeld.Spent);
        Assert.Equal("r1", Assert.Single(await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).RequestId);
        Assert.Empty(await survivor.Reports.ListAsync(new UsageQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task Settle_FailureRecordOrRelease_FreesTheHoldAndSpendsNothing()
    {
        var store = await OpenAsync();
        var line = Line("run:a", 1_000);
        var failed = Hold("r1", [line], 300);
        var abandoned = Hold("r2", [line], 200);
        await store.BudgetLedger.ReserveAsync(failed, [line], CancellationToken.None);
        await store.BudgetLedger.ReserveAsync(abandoned, [line], CancellationToken.None);

        await store.Usage.RecordAsync(Record("r1", 0, failed, RequestStatus.UpstreamError), CancellationToken.None);
        await store.BudgetLedger.ReleaseAsync(abandoned, CancellationToken.None);
        var status = await StatusAsync(store, line);

        Assert.Equal(MicroUnits.Zero, status.Spent);
        Assert.Equal(MicroUnits.Zero, status.Held);
        Assert.Empty(await store.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Settle_CostInUsdOnACnyLine_IsConvertedRoundingUp()
    {
        var store = await OpenAsync();
        var line = Line("run:cny", 1_000_000, currency: "CNY");
        var hold = Hold("r1", [line], 10_000);
        await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);

        await store.Usage.RecordAsync(Record("r1", 10, hold), CancellationToken.None);

        // 10 micro-USD at 0.14 USD per CNY: 71.43 micro-CNY, counted as 72.
        Assert.Equal(new MicroUnits(72), (await StatusAsync(store, line)).Spent);
    }

    [Fact]
    public async Task DailyLine_SpendOfOneDay_DoesNotCountTheNext()
    {
        var store = await OpenAsync();
        var line = Line("project:daily", 1_000, BudgetScopeKind.Project, "research", BudgetPeriod.Daily);
        var hold = Hold("r1", [line], 500);
        await store.BudgetLedger.ReserveAsync(hold, [line], CancellationToken.None);
        await store.Usage.RecordAsync(Record("r1", 500, hold), CancellationToken.None);

        var today = await StatusAsync(store, line);
        var tomorrow = await StatusAsync(store, line, Now.AddDays(1));
        var nextDay = Hold("r2", [line], 900, Now.AddDays(1));

        Assert.Equal(new MicroUnits(500), today.Spent);
        Assert.Equal(MicroUnits.Zero, tomorrow.Spent);
        Assert.Equal(Now.Date.AddDays(1), tomorrow.WindowStart.UtcDateTime);
        Assert.True((await store.BudgetLedger.ReserveAsync(nextDay, [line], CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task Reserve_ManyAtOnce_NeverHoldsMoreThanTheLimit()
    {
        var store = await OpenAsync();
        var line = Line("run:busy", 1_000);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            store.BudgetLedger.ReserveAsync(Hold($"r{i}", [line], 10), [line], CancellationToken.None).AsTask()));

        Assert.Equal(100, outcomes.Count(o => o.Granted));
        Assert.Equal(new MicroUnits(1_000), (await StatusAsync(store, line)).Held);
    }

    [Fact]
    public async Task DeadInstance_OpenHold_IsInDoubtCountedAsSpentUntilReleased()
    {
        var dying = await OpenAsync("instance-dying");
        var line = Line("run:a", 1_000);
        var settled = Hold("r-settled", [line], 300);
        await dying.BudgetLedger.ReserveAsync(settled, [line], CancellationToken.None);
        await dying.Usage.RecordAsync(Record("r-settled", 100, settled), CancellationToken.None);
        await dying.BudgetLedger.ReserveAsync(Hold("r-open", [line], 250), [line], CancellationToken.None);
        await dying.BudgetLedger.RecordAttemptAsync("r-open", 2, "other", "other/m", CancellationToken.None);
        await CloseAsync(dying);

        var survivor = await OpenAsync("instance-survivor");
        var found = await survivor.ReconcileOrphansAsync(CancellationToken.None);
        var again = await survivor.ReconcileOrphansAsync(CancellationToken.None);
        var inDoubt = Assert.Single(await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None));
        var counted = await StatusAsync(survivor, line);

        Assert.Equal(1, found);
        Assert.Equal(0, again);
        Assert.Equal("r-open", inDoubt.RequestId);
        Assert.Equal("other", inDoubt.Provider);
        Assert.Equal("other/m", inDoubt.Deployment);
        Assert.Equal(new MicroUnits(250), inDoubt.HeldUsd);
        Assert.Equal("run-1", inDoubt.RunId);
        Assert.Null(inDoubt.ReleasedAt);
        Assert.Equal(new MicroUnits(350), counted.Spent);

        Assert.True(await survivor.BudgetLedger.ReleaseInDoubtAsync("r-open", Now, CancellationToken.None));
        Assert.False(await survivor.BudgetLedger.ReleaseInDoubtAsync("r-open", Now, CancellationToken.None));
        Assert.False(await survivor.BudgetLedger.ReleaseInDoubtAsync("r-settled", Now, CancellationToken.None));
        Assert.NotNull(Assert.Single(await survivor.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).ReleasedAt);
        Assert.Equal(new MicroUnits(100), (await StatusAsync(survivor, line)).Spent);
    }
}
