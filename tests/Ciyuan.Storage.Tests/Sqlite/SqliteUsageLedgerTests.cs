using Ciyuan.Core.Metering;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class SqliteUsageLedgerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    internal static UsageRecord NewRecord(
        string requestId,
        DateTimeOffset createdAt,
        string keyId = "key_a",
        string model = "qwen-local",
        string provider = "my-vllm",
        TokenUsage usage = default,
        long cost = 0,
        string currency = "USD",
        bool estimated = false,
        bool unpriced = false) => new()
        {
            RequestId = requestId,
            CreatedAt = createdAt,
            KeyId = keyId,
            Endpoint = "chat",
            ModelAlias = model,
            Provider = provider,
            Deployment = $"{provider}/{model}",
            UpstreamModel = model,
            Jurisdiction = "self-hosted",
            Usage = usage,
            UsageEstimated = estimated,
            Cost = new MicroUnits(cost),
            Currency = currency,
            Unpriced = unpriced,
            Status = RequestStatus.Ok,
            HttpStatus = 200,
            LatencyMs = 12.5,
        };

    private async Task<SqliteDatabase> NewDatabaseAsync()
    {
        var database = new SqliteDatabase(_directory.File("ledger.db"), syncToDisk: false);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    [Fact]
    public async Task RecordAsync_ManyConcurrentRecords_EachStoredExactlyOnce()
    {
        const int count = 400;
        var database = await NewDatabaseAsync();
        var at = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
        var token = TestContext.Current.CancellationToken;

        await using (var ledger = new SqliteUsageLedger(database))
        {
            var writers = Enumerable.Range(0, count)
                .Select(i => Task.Run(async () => await ledger.RecordAsync(
                    NewRecord($"req-{i:D4}", at.AddMilliseconds(i), usage: new TokenUsage(i, 0, 0, 1, 0), cost: i), token)))
                .ToArray();
            await Task.WhenAll(writers);
        }

        using var connection = SqliteMigratorTests.OpenRaw(database.Path);
        Assert.Equal((long)count, SqliteMigratorTests.Scalar<long>(connection, "SELECT COUNT(*) FROM usage_records;"));
        Assert.Equal((long)count, SqliteMigratorTests.Scalar<long>(connection, "SELECT COUNT(DISTINCT request_id) FROM usage_records;"));
        Assert.Equal((long)count * (count - 1) / 2, SqliteMigratorTests.Scalar<long>(connection, "SELECT SUM(cost_micros) FROM usage_records;"));
    }

    [Fact]
    public async Task RecordAsync_CompletedTask_MeansRowIsVisible()
    {
        var database = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;
        await using var ledger = new SqliteUsageLedger(database);

        await ledger.RecordAsync(NewRecord("req-visible", DateTimeOffset.UnixEpoch), token);

        using var connection = SqliteMigratorTests.OpenRaw(database.Path);
        Assert.Equal(1L, SqliteMigratorTests.Scalar<long>(connection, "SELECT COUNT(*) FROM usage_records WHERE request_id = 'req-visible';"));
    }

    [Fact]
    public async Task RecordAsync_RepeatedRequestId_StoredOnceFirstWriteWins()
    {
        var database = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;
        var at = new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

        await using (var ledger = new SqliteUsageLedger(database))
        {
            await ledger.RecordAsync(NewRecord("req-dup", at, cost: 100), token);
            await ledger.RecordAsync(NewRecord("req-dup", at, cost: 999), token);
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
                await ledger.RecordAsync(NewRecord("req-dup", at, cost: 555), token))));
        }

        var records = await new SqliteUsageReader(database).ListAsync(new UsageQuery(), token);
        var record = Assert.Single(records);
        Assert.Equal(new MicroUnits(100), record.Cost);
    }

    [Fact]
    public async Task RecordAsync_ConcurrentDuplicatesOfNewId_StoredOnce()
    {
        var database = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;

        await using (var ledger = new SqliteUsageLedger(database))
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
                await ledger.RecordAsync(NewRecord($"req-{i % 10}", DateTimeOffset.UnixEpoch, cost: 1), token))));
        }

        using var connection = SqliteMigratorTests.OpenRaw(database.Path);
        Assert.Equal(10L, SqliteMigratorTests.Scalar<long>(connection, "SELECT COUNT(*) FROM usage_records;"));
    }

    [Fact]
    public async Task RecordAsync_EmptyTextAndNonAsciiText_ReadBackAsWritten()
    {
        var database = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;

        // Empty is not NULL, and text outside ASCII (Chinese, an emoji's surrogate pair) keeps every character.
        var record = NewRecord("req-文本-😀", DateTimeOffset.UnixEpoch, keyId: "key_研究", model: "通义千问", provider: "阿里云") with
        {
            Project = "",
            RunId = null,
            Error = "",
            TimeToFirstTokenMs = null,
        };

        await using (var ledger = new SqliteUsageLedger(database))
        {
            await ledger.RecordAsync(record, token);
        }

        Assert.Equal(record, Assert.Single(await new SqliteUsageReader(database).ListAsync(new UsageQuery(), token)));
        using var connection = SqliteMigratorTests.OpenRaw(database.Path);
        Assert.Equal(1L, SqliteMigratorTests.Scalar<long>(connection, "SELECT COUNT(*) FROM usage_records WHERE project = '' AND error = '' AND run_id IS NULL AND ttft_ms IS NULL;"));
    }

    [Fact]
    public async Task RecordAsync_EveryField_RoundTripsThroughReader()
    {
        var database = await NewDatabaseAsync();
        var token = TestContext.Current.CancellationToken;
        var record = NewRecord(
            "req-full", new DateTimeOffset(2026, 11, 22, 3, 4, 5, 678, TimeSpan.Zero), keyId: "key_z", model: "deepseek-flash",
            provider: "deepseek", usage: new TokenUsage(11, 22, 33, 44, 5), cost: 123_456, currency: "CNY", estimated: true, unpriced: true) with
        {
            RunId = "run-7",
            Endpoint = "embeddings",
            Jurisdiction = "cn",
            Status = RequestStatus.StreamFailed,
            HttpStatus = 502,
            Error = "upstream closed",
            Streamed = true,
            Attempts = 3,
            LatencyMs = 1234.25,
            TimeToFirstTokenMs = 87.5,
        };

        await using (var ledger = new SqliteUsageLedger(database))
        {
            await ledger.RecordAsync(record, token);
        }

        Assert.Equal(record, Assert.Single(await new SqliteUsageReader(database).ListAsync(new UsageQuery(), token)));
    }
}
