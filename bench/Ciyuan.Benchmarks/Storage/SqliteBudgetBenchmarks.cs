using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Budgets;
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
    private static readonly BudgetLine[] Lines =
    [
        Line("bench:key", BudgetScopeKind.Key, "key_bench"),
        Line("bench:project", BudgetScopeKind.Project, "bench"),
        Line("bench:run", BudgetScopeKind.Run, "run_bench"),
    ];

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

    private async Task OneAsync(long sequence)
    {
        var requestId = "req_bench_" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hold = new BudgetHold
        {
            RequestId = requestId,
            At = DateTimeOffset.UtcNow,
            Target = new ChargeTarget("key_bench", "bench", "bench", "run_bench", "m"),
            Provider = "stub",
            Deployment = "stub/m",
            WorstCaseUsd = new MicroUnits(40),
            Lines = [.. Lines.Select(l => new HeldLine(l.Id, DateTimeOffset.UnixEpoch, new MicroUnits(40), "USD"))],
        };
        var outcome = await _store.BudgetLedger.ReserveAsync(hold, Lines, CancellationToken.None).ConfigureAwait(false);
        if (!outcome.Granted)
        {
            throw new InvalidOperationException("the benchmark budget ran out");
        }

        await _store.Usage.RecordAsync(Record(requestId, hold), CancellationToken.None).ConfigureAwait(false);
        await _store.BudgetLedger.SettledAsync(hold, new MicroUnits(17), "USD", CancellationToken.None).ConfigureAwait(false);
    }

    private static BudgetLine Line(string id, BudgetScopeKind scope, string subject) => new()
    {
        Id = id,
        Scope = scope,
        Subject = subject,
        Limit = MicroUnits.FromDecimal(1_000_000_000m),
        Currency = "USD",
        Source = "admin",
    };

    private static UsageRecord Record(string requestId, BudgetHold hold) => new()
    {
        RequestId = requestId,
        CreatedAt = hold.At,
        KeyId = "key_bench",
        Project = "bench",
        RunId = "run_bench",
        Endpoint = "chat",
        ModelAlias = "m",
        Provider = "stub",
        Deployment = "stub/m",
        UpstreamModel = "m",
        Jurisdiction = "self-hosted",
        Usage = new TokenUsage(30, 0, 0, 20, 0),
        Cost = new MicroUnits(17),
        Currency = "USD",
        Status = RequestStatus.Ok,
        HttpStatus = 200,
        LatencyMs = 1.5,
        Hold = hold,
    };
}
