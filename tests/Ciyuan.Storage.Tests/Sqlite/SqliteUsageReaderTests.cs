using Ciyuan.Core.Metering;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class SqliteUsageReaderTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>Four rows over two UTC days, two keys, two models, two providers and two currencies.</summary>
    private async Task<SqliteUsageReader> SeedAsync()
    {
        var token = TestContext.Current.CancellationToken;
        var database = new SqliteDatabase(_directory.File("usage.db"), syncToDisk: false);
        await database.MigrateAsync(token);
        await using (var ledger = new SqliteUsageLedger(database))
        {
            await ledger.RecordAsync(SqliteUsageLedgerTests.NewRecord(
                "r1", Day1.AddHours(10), "key_a", "m1", "p1", new TokenUsage(100, 10, 5, 50, 20), cost: 1_000), token);
            await ledger.RecordAsync(SqliteUsageLedgerTests.NewRecord(
                "r2", Day2.AddMilliseconds(-1), "key_a", "m2", "p2", new TokenUsage(200, 0, 0, 20, 0), cost: 500, estimated: true), token);
            await ledger.RecordAsync(SqliteUsageLedgerTests.NewRecord(
                "r3", Day2, "key_b", "m1", "p1", new TokenUsage(1, 2, 3, 4, 1), cost: 7, unpriced: true), token);
            await ledger.RecordAsync(SqliteUsageLedgerTests.NewRecord(
                "r4", Day2.AddHours(5), "key_b", "m1", "p2", new TokenUsage(10, 0, 0, 10, 0), cost: 300, currency: "CNY"), token);
        }

        return new SqliteUsageReader(database);
    }

    private static UsageSummaryRow Row(string group, string currency, long requests, TokenUsage sum, long cost, long estimated = 0, long unpriced = 0) =>
        new(group, currency, requests, sum.InputUncached, sum.CacheRead, sum.CacheWrite, sum.Output, sum.Reasoning, new MicroUnits(cost), estimated, unpriced, SuspectRequests: 0);

    [Fact]
    public async Task SummarizeAsync_ByKey_SumsPerKeyAndCurrency()
    {
        var reader = await SeedAsync();

        var rows = await reader.SummarizeAsync(UsageGrouping.Key, new UsageQuery(), TestContext.Current.CancellationToken);

        Assert.Equal(
            new[]
            {
                Row("key_a", "USD", 2, new TokenUsage(300, 10, 5, 70, 20), 1_500, estimated: 1),
                Row("key_b", "CNY", 1, new TokenUsage(10, 0, 0, 10, 0), 300),
                Row("key_b", "USD", 1, new TokenUsage(1, 2, 3, 4, 1), 7, unpriced: 1),
            },
            rows);
    }

    [Fact]
    public async Task SummarizeAsync_ByModel_SumsPerModelAndCurrency()
    {
        var reader = await SeedAsync();

        var rows = await reader.SummarizeAsync(UsageGrouping.Model, new UsageQuery(), TestContext.Current.CancellationToken);

        Assert.Equal(
            new[]
            {
                Row("m1", "CNY", 1, new TokenUsage(10, 0, 0, 10, 0), 300),
                Row("m1", "USD", 2, new TokenUsage(101, 12, 8, 54, 21), 1_007, unpriced: 1),
                Row("m2", "USD", 1, new TokenUsage(200, 0, 0, 20, 0), 500, estimated: 1),
            },
            rows);
    }

    [Fact]
    public async Task SummarizeAsync_ByProvider_SumsPerProviderAndCurrency()
    {
        var reader = await SeedAsync();

        var rows = await reader.SummarizeAsync(UsageGrouping.Provider, new UsageQuery(), TestContext.Current.CancellationToken);

        Assert.Equal(
            new[]
            {
                Row("p1", "USD", 2, new TokenUsage(101, 12, 8, 54, 21), 1_007, unpriced: 1),
                Row("p2", "CNY", 1, new TokenUsage(10, 0, 0, 10, 0), 300),
                Row("p2", "USD", 1, new TokenUsage(200, 0, 0, 20, 0), 500, estimated: 1),
            },
            rows);
    }

    [Fact]
    public async Task SummarizeAsync_ByDay_SplitsAtUtcMidnight()
    {
        var reader = await SeedAsync();

        var rows = await reader.SummarizeAsync(UsageGrouping.Day, new UsageQuery(), TestContext.Current.CancellationToken);

        Assert.Equal(
            new[]
            {
                Row("2026-11-20", "USD", 2, new TokenUsage(300, 10, 5, 70, 20), 1_500, estimated: 1),
                Row("2026-11-21", "CNY", 1, new TokenUsage(10, 0, 0, 10, 0), 300),
                Row("2026-11-21", "USD", 1, new TokenUsage(1, 2, 3, 4, 1), 7, unpriced: 1),
            },
            rows);
    }

    [Fact]
    public async Task SummarizeAsync_SinceAndKeyFilters_Apply()
    {
        var reader = await SeedAsync();
        var token = TestContext.Current.CancellationToken;

        var sinceDay2 = await reader.SummarizeAsync(UsageGrouping.Key, new UsageQuery(Since: Day2), token);
        var keyA = await reader.SummarizeAsync(UsageGrouping.Model, new UsageQuery(KeyId: "key_a"), token);

        Assert.Equal(new[] { "key_b", "key_b" }, sinceDay2.Select(r => r.Group));
        Assert.Equal(307, sinceDay2.Sum(r => r.Cost.Value));
        Assert.Equal(new[] { "m1", "m2" }, keyA.Select(r => r.Group));
        Assert.Equal(1_500, keyA.Sum(r => r.Cost.Value));
    }

    [Fact]
    public async Task SummarizeAsync_EmptyLedger_ReturnsNoRows()
    {
        var database = new SqliteDatabase(_directory.File("empty.db"), syncToDisk: false);
        await database.MigrateAsync(TestContext.Current.CancellationToken);

        var rows = await new SqliteUsageReader(database).SummarizeAsync(UsageGrouping.Day, new UsageQuery(), TestContext.Current.CancellationToken);

        Assert.Empty(rows);
    }

    [Fact]
    public async Task ListAsync_NewestFirstWithFiltersAndLimit()
    {
        var reader = await SeedAsync();
        var token = TestContext.Current.CancellationToken;

        Assert.Equal(new[] { "r4", "r3", "r2", "r1" }, (await reader.ListAsync(new UsageQuery(), token)).Select(r => r.RequestId));
        Assert.Equal(new[] { "r4", "r3" }, (await reader.ListAsync(new UsageQuery(Limit: 2), token)).Select(r => r.RequestId));
        Assert.Equal(new[] { "r2", "r1" }, (await reader.ListAsync(new UsageQuery(KeyId: "key_a"), token)).Select(r => r.RequestId));
        Assert.Equal(new[] { "r4", "r3" }, (await reader.ListAsync(new UsageQuery(Since: Day2), token)).Select(r => r.RequestId));
    }
}
