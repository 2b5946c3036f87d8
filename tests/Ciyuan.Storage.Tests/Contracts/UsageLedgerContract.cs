using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>Usage records, reports, budget lines and retention: the same answers from every backend.</summary>
public abstract class UsageLedgerContract : StorageContract
{
    [Fact]
    public async Task Record_SameRequestTwice_IsOneLine()
    {
        var store = await OpenAsync();

        await store.Usage.RecordAsync(Record("r1", 100), CancellationToken.None);
        await store.Usage.RecordAsync(Record("r1", 100), CancellationToken.None);

        var record = Assert.Single(await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None));
        Assert.Equal(Record("r1", 100), record);
        Assert.Equal(1, Assert.Single(await store.Reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery(), CancellationToken.None)).Requests);
    }

    [Fact]
    public async Task Summaries_ByProjectRunAndDay_AddUpAndNameMissingGroups()
    {
        var store = await OpenAsync();
        await Task.WhenAll(
            store.Usage.RecordAsync(Record("r1", 100, project: "research", run: "run-1"), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r2", 200, project: "research", run: "run-2"), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r3", 400, project: null, run: null), CancellationToken.None).AsTask());

        var byProject = await store.Reports.SummarizeAsync(UsageGrouping.Project, new UsageQuery(), CancellationToken.None);
        var byRun = await store.Reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery { RunId = "run-2" }, CancellationToken.None);
        var byDay = await store.Reports.SummarizeAsync(UsageGrouping.Day, new UsageQuery(Since: Now.AddDays(-1)), CancellationToken.None);
        var runRequests = await store.Reports.ListAsync(new UsageQuery { RunId = "run-1" }, CancellationToken.None);

        Assert.Equal([("(none)", 400L), ("research", 300L)], byProject.Select(r => (r.Group, r.Cost.Value)));
        Assert.Equal(("run-2", 1L), (Assert.Single(byRun).Group, byRun[0].Requests));
        Assert.Equal(("2026-11-23", 3L, 700L), (Assert.Single(byDay).Group, byDay[0].Requests, byDay[0].Cost.Value));
        Assert.Equal("r1", Assert.Single(runRequests).RequestId);
    }

    [Fact]
    public async Task Record_WithFailedAttempts_KeepsEachReasonInOrder()
    {
        var store = await OpenAsync();
        FailedAttempt[] failed = [new("first/a", "rate_limit_exceeded", 429), new("second/b", "upstream_unreachable", null)];

        await store.Usage.RecordAsync(Record("r1", 100) with { Attempts = 3, FailedAttempts = failed }, CancellationToken.None);
        await store.Usage.RecordAsync(Record("r2", 100), CancellationToken.None);

        var records = (await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None)).ToDictionary(r => r.RequestId);
        Assert.Equal(3, records["r1"].Attempts);
        Assert.Equal(failed, records["r1"].FailedAttempts);
        Assert.Null(records["r2"].FailedAttempts);
    }

    [Fact]
    public async Task Record_Committed_IsReadByTheNextInstance()
    {
        var first = await OpenAsync();
        await first.Usage.RecordAsync(Record("r1", 100), CancellationToken.None);
        await CloseAsync(first);

        var second = await OpenAsync("instance-b");

        Assert.Equal(Record("r1", 100), Assert.Single(await second.Reports.ListAsync(new UsageQuery(), CancellationToken.None)));
    }

    [Fact]
    public async Task Summaries_ByKeyModelAndProvider_AddUpPerCurrency()
    {
        var store = await OpenAsync();
        await Task.WhenAll(
            store.Usage.RecordAsync(Record("r1", 100), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r2", 200), CancellationToken.None).AsTask(),
            store.Usage.RecordAsync(Record("r3", 700, currency: "CNY"), CancellationToken.None).AsTask());

        foreach (var (grouping, name) in new[] { (UsageGrouping.Key, "key-1"), (UsageGrouping.Model, "m"), (UsageGrouping.Provider, "local") })
        {
            var rows = await store.Reports.SummarizeAsync(grouping, new UsageQuery(), CancellationToken.None);
            Assert.Equal([(name, "CNY", 1L, 700L), (name, "USD", 2L, 300L)], rows.Select(r => (r.Group, r.Currency, r.Requests, r.Cost.Value)));
            Assert.Equal(10L * 2, rows.Single(r => r.Currency == "USD").InputUncached);
        }
    }

    [Fact]
    public async Task Summaries_RecordsOfTwoInstancesInTheSameGroups_AddUpAsOne()
    {
        var first = await OpenAsync("instance-a");
        var second = await OpenAsync("instance-b");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).Usage.RecordAsync(Record($"r{i}", 10 + i, run: i % 4 < 2 ? "run-1" : "run-2"), CancellationToken.None).AsTask()));

        var byRun = await first.Reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery(), CancellationToken.None);
        var oneRun = await second.Reports.SummarizeAsync(UsageGrouping.Key, new UsageQuery { RunId = "run-2" }, CancellationToken.None);
        var series = await second.Timeline.ReadSeriesAsync(UsageSeriesRow.BucketOf(Now), UsageSeriesRow.BucketOf(Now).AddHours(1), CancellationToken.None);

        var expected = Enumerable.Range(0, 40).Select(i => (Run: i % 4 < 2 ? "run-1" : "run-2", Cost: 10L + i)).ToList();
        Assert.Equal(
            expected.GroupBy(e => e.Run).Select(g => (g.Key, (long)g.Count(), g.Sum(e => e.Cost))).OrderBy(g => g.Key),
            byRun.Select(r => (r.Group, r.Requests, r.Cost.Value)));
        Assert.Equal((20L, expected.Where(e => e.Run == "run-2").Sum(e => e.Cost)), (Assert.Single(oneRun).Requests, oneRun[0].Cost.Value));
        var bucket = Assert.Single(series);
        Assert.Equal((40L, expected.Sum(e => e.Cost), 400L), (bucket.Requests, bucket.Cost.Value, bucket.Usage.InputUncached));
    }

    [Fact]
    public async Task Retention_DeletesOldLinesButReportsKeepThem()
    {
        var store = await OpenAsync();
        await store.Usage.RecordAsync(Record("old", 100, at: Now.AddDays(-100)), CancellationToken.None);
        await store.Usage.RecordAsync(Record("new", 200), CancellationToken.None);

        var deleted = await store.ApplyRetentionAsync(Now.AddDays(-90), CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal("new", Assert.Single(await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None)).RequestId);
        var total = Assert.Single(await store.Reports.SummarizeAsync(UsageGrouping.Key, new UsageQuery(), CancellationToken.None));
        Assert.Equal((2L, 300L), (total.Requests, total.Cost.Value));
    }

    [Fact]
    public async Task BudgetStore_SaveListDelete_BumpsTheVersion()
    {
        var store = await OpenAsync();
        var before = await store.Budgets.GetVersionAsync(CancellationToken.None);
        var line = Line("bud_1", 5_000_000, BudgetScopeKind.Project, "research", BudgetPeriod.Monthly, "CNY") with { Model = "m" };

        await store.Budgets.SaveAsync(line, CancellationToken.None);
        await store.Budgets.SaveAsync(line with { Limit = new MicroUnits(7) }, CancellationToken.None);
        var listed = Assert.Single(await store.Budgets.ListAsync(CancellationToken.None));
        var deleted = await store.Budgets.DeleteAsync("bud_1", CancellationToken.None);

        Assert.Equal(line with { Limit = new MicroUnits(7) }, listed);
        Assert.True(deleted);
        Assert.False(await store.Budgets.DeleteAsync("bud_1", CancellationToken.None));
        Assert.Empty(await store.Budgets.ListAsync(CancellationToken.None));
        Assert.True(await store.Budgets.GetVersionAsync(CancellationToken.None) > before);
    }
}
