using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Limits;
using Ciyuan.Storage.Redis;

namespace Ciyuan.Benchmarks.Limits;

/// <summary>
/// What admission costs per request: three rate charges (key, project, deployment) checked and
/// added at once, the token estimate reconciled afterwards, and a concurrency lease taken and
/// returned. The memory counters are on every request of a single instance, so their
/// allocated-bytes column must read 0. Redis runs too when <c>CIYUAN_BENCH_REDIS</c> names a
/// server (a StackExchange.Redis connection string); its time is mostly the round trip.
/// Run: <c>dotnet run -c Release --project bench/Ciyuan.Benchmarks -- --filter '*LimitCounters*'</c>.
/// </summary>
[MemoryDiagnoser]
public class LimitCountersBenchmarks
{
    private const string RedisVariable = "CIYUAN_BENCH_REDIS";

    // Limits far above what a run can reach, so every call takes the full admit path.
    private readonly RateCharge[] _charges =
    [
        new("key:bench", 1, long.MaxValue / 4),
        new("project:bench", 1, long.MaxValue / 4),
        new("deployment:bench", 1, long.MaxValue / 4),
    ];

    private readonly RateAdjustment[] _adjustments =
    [
        new("key:bench", 1),
        new("project:bench", 1),
        new("deployment:bench", 1),
    ];

    private readonly ConcurrencySlot[] _slots =
    [
        new("key:bench", int.MaxValue),
        new("deployment:bench", int.MaxValue),
    ];

    private ILimitCounters _counters = null!;

    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "memory";

    public static IEnumerable<string> Backends =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RedisVariable)) ? ["memory"] : ["memory", "redis"];

    [GlobalSetup]
    public void Setup()
    {
        _counters = Backend == "redis"
            ? RedisLimitCounters.ConnectAsync(Environment.GetEnvironmentVariable(RedisVariable)!, $"bench:{Guid.NewGuid():N}:").GetAwaiter().GetResult()
            : new MemoryLimitCounters(TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_counters is IAsyncDisposable disposable)
        {
            disposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "admit: 3 charges")]
    public ValueTask<LimitDecision> TryAddAsync() => _counters.TryAddAsync(_charges, CancellationToken.None);

    [Benchmark(Description = "admit 3 charges + reconcile 3")]
    public async ValueTask<LimitDecision> TryAddThenAdjustAsync()
    {
        var decision = await _counters.TryAddAsync(_charges, CancellationToken.None).ConfigureAwait(false);
        await _counters.AdjustAsync(_adjustments, CancellationToken.None).ConfigureAwait(false);
        return decision;
    }

    [Benchmark(Description = "enter + exit 2 slots")]
    public async ValueTask<LimitDecision> EnterThenExitAsync()
    {
        var decision = await _counters.TryEnterAsync(_slots, "lease-bench", CancellationToken.None).ConfigureAwait(false);
        await _counters.ExitAsync(_slots, "lease-bench", CancellationToken.None).ConfigureAwait(false);
        return decision;
    }
}
