using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;
using Ciyuan.Storage.Postgres;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// Reserve + commit on the shared backend: hold the worst case on three lines in one round trip
/// (<c>ciyuan_reserve</c>), then write the usage record that settles it through the group-commit
/// writer. Needs a server: <c>CIYUAN_BENCH_POSTGRES</c> is an Npgsql connection string to a database
/// the benchmark may fill (e.g. one started by <c>scripts/test-services.sh</c>).
/// </summary>
[MemoryDiagnoser]
public class PostgresBudgetBenchmarks
{
    private IStorageBackend _store = null!;
    private readonly string _run = "req_" + Guid.NewGuid().ToString("N")[..8] + "_";
    private long _sequence;

    [Params(1, 256)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var connection = Environment.GetEnvironmentVariable("CIYUAN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("Set CIYUAN_BENCH_POSTGRES to an Npgsql connection string of a database this benchmark may use.");
        _store = PostgresBackend.OpenAsync(new StorageOptions
        {
            Config = StorageConfig.Default with { PostgresConnectionString = connection },
            DataDirectory = Path.GetTempPath(),
            InstanceId = "bench-" + Guid.NewGuid().ToString("N"),
            Currency = new CurrencyConverter(0.14m),
        }, CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
        ReserveAndCommit.OneAsync(_store, _run + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
