using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// Reserve + commit on the embedded backend, as the request path does it: hold the worst case on
/// three lines (key, project, run) — checked in memory, made durable by group commit — then write
/// the usage record that settles it, then let the book follow. <see cref="Concurrency"/> requests
/// do this at once, each waiting for its own commits.
/// </summary>
[MemoryDiagnoser]
public class SqliteBudgetBenchmarks
{
    private string _directory = null!;
    private IStorageBackend _store = null!;
    private long _sequence;

    [Params(1, 64, 1024)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ciyuan-bench-" + Guid.NewGuid().ToString("N"));
        _store = SqliteBackend.OpenAsync(new StorageOptions
        {
            Config = StorageConfig.Default,
            DataDirectory = _directory,
            InstanceId = "bench",
            Currency = new CurrencyConverter(0.14m),
        }, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "reserve + commit N requests")]
    public async Task ReserveAndCommitAsync()
    {
        var tasks = new Task[Concurrency];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = OneAsync(Interlocked.Increment(ref _sequence));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private Task OneAsync(long sequence) =>
        ReserveAndCommit.OneAsync(_store, "req_bench_" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
