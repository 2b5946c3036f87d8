using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// Durable settlements through the group-commit ledger: <see cref="Concurrency"/> requests record
/// at once and each waits for its own commit, as request handlers do.
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private string _directory = null!;
    private SqliteUsageLedger _ledger = null!;
    private long _sequence;

    [Params(1, 64, 1024)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ciyuan-bench-" + Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(Path.Combine(_directory, "ledger.db"), syncToDisk: false);
        database.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _ledger = new SqliteUsageLedger(database);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "settle N requests")]
    public async Task SettleAsync()
    {
        var tasks = new Task[Concurrency];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _ledger.RecordAsync(Record(Interlocked.Increment(ref _sequence)), CancellationToken.None).AsTask();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static UsageRecord Record(long sequence) =>
        ReserveAndCommit.Record("req_bench_" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), hold: null);
}
