using Ciyuan.Core.Metering;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;
using Npgsql;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Rollups per instance on a shared database: each instance adds to rows of its own so that their
/// group commits never wait on one another, reports sum them, and the upkeep folds rows of past
/// days into the shared rows without changing any total.
/// </summary>
public sealed class PostgresRollupFoldTests : StorageContract
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenInstanceAsync(await _database.Value, instanceId, background: false);

    [Fact]
    public async Task Record_ThreeInstancesOnOneGroup_EachAddsToARowOfItsOwn()
    {
        var stores = await Task.WhenAll(OpenAsync("instance-a"), OpenAsync("instance-b"), OpenAsync("instance-c"));

        await RecordAllAsync(stores, count: 60, prefix: "r");

        Assert.Equal(["instance-a", "instance-b", "instance-c"], await ColumnAsync<string>("SELECT instance FROM usage_rollups ORDER BY instance;"));
        Assert.Equal(["instance-a", "instance-b", "instance-c"], await ColumnAsync<string>("SELECT instance FROM usage_series ORDER BY instance;"));
        await AssertTotalsAsync(stores[0], requests: 60, cost: Cost(60));
    }

    [Fact]
    public async Task Fold_PastDays_MovesEveryInstancesRowsIntoTheSharedRowAndKeepsTheTotals()
    {
        var stores = await Task.WhenAll(OpenAsync("instance-a"), OpenAsync("instance-b"));
        await RecordAllAsync(stores, count: 30, prefix: "r");

        var folded = await ((PostgresBackend)stores[0]).FoldRollupsAsync(CancellationToken.None);
        var again = await ((PostgresBackend)stores[1]).FoldRollupsAsync(CancellationToken.None);

        Assert.Equal(2, folded);
        Assert.Equal(0, again);
        Assert.Equal([""], await ColumnAsync<string>("SELECT instance FROM usage_rollups;"));
        Assert.Equal([""], await ColumnAsync<string>("SELECT instance FROM usage_series;"));
        await AssertTotalsAsync(stores[1], requests: 30, cost: Cost(30));
    }

    [Fact]
    public async Task Fold_ARecordOfAFoldedDayArrivingLate_AddsUpWithTheSharedRow()
    {
        var store = await OpenAsync("instance-a");
        await RecordAllAsync([store], count: 10, prefix: "r");
        await ((PostgresBackend)store).FoldRollupsAsync(CancellationToken.None);

        // Written from the outage journal after its day was folded: a new row of its instance.
        await store.Usage.RecordAsync(Record("late", 1_000), CancellationToken.None);

        Assert.Equal(["", "instance-a"], await ColumnAsync<string>("SELECT instance FROM usage_rollups ORDER BY instance;"));
        await AssertTotalsAsync(store, requests: 11, cost: Cost(10) + 1_000);
        await ((PostgresBackend)store).FoldRollupsAsync(CancellationToken.None);
        Assert.Equal([""], await ColumnAsync<string>("SELECT instance FROM usage_rollups;"));
        await AssertTotalsAsync(store, requests: 11, cost: Cost(10) + 1_000);
    }

    [Fact]
    public async Task Fold_WhileInstancesWrite_NeitherWaitsForeverNorLosesARequest()
    {
        var stores = await Task.WhenAll(OpenAsync("instance-a"), OpenAsync("instance-b"));
        using var writing = new CancellationTokenSource();
        var runs = 0;
        var folds = Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                await ((PostgresBackend)stores[runs % 2]).FoldRollupsAsync(CancellationToken.None);
                Interlocked.Increment(ref runs);
            }
        });

        // Waves of records, each followed by at least one more fold, so folds and writes interleave.
        for (var wave = 0; wave < 10; wave++)
        {
            var before = Volatile.Read(ref runs);
            await Task.WhenAll(Enumerable.Range(wave * 40, 40).Select(i =>
                stores[i % 2].Usage.RecordAsync(Record($"w{i}", 10 + i), CancellationToken.None).AsTask()));
            while (Volatile.Read(ref runs) == before && !folds.IsCompleted)
            {
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }
        }

        await writing.CancelAsync();
        await folds;

        Assert.True(runs >= 10, "the fold ran between the waves of records");
        await AssertTotalsAsync(stores[0], requests: 400, cost: Cost(400));
    }

    private static long Cost(int count) => Enumerable.Range(0, count).Sum(i => 10L + i);

    /// <summary>Records spread over the stores, all in one rollup group and quarter-hour (a hot run).</summary>
    private static Task RecordAllAsync(IReadOnlyList<IStorageBackend> stores, int count, string prefix) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            stores[i % stores.Count].Usage.RecordAsync(Record($"{prefix}{i}", 10 + i), CancellationToken.None).AsTask()));

    private static async Task AssertTotalsAsync(IStorageBackend store, long requests, long cost)
    {
        var byRun = Assert.Single(await store.Reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery(), CancellationToken.None));
        var byDay = Assert.Single(await store.Reports.SummarizeAsync(UsageGrouping.Day, new UsageQuery { RunId = "run-1" }, CancellationToken.None));
        var series = Assert.Single(await store.Timeline.ReadSeriesAsync(UsageSeriesRow.BucketOf(Now), UsageSeriesRow.BucketOf(Now).AddHours(1), CancellationToken.None));
        Assert.Equal((requests, cost), (byRun.Requests, byRun.Cost.Value));
        Assert.Equal((requests, cost), (byDay.Requests, byDay.Cost.Value));
        Assert.Equal((requests, cost, requests * 5), (series.Requests, series.Cost.Value, series.Usage.Output));
    }

    private async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(await _database.Value);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
