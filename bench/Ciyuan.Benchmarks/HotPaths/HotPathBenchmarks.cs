using BenchmarkDotNet.Attributes;

namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// The four hot paths whose allocations are budgeted (tests/Ciyuan.Gateway.Tests/Allocations): the same
/// instances the budget test runs, here timed and measured by BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private RequestScanAndPatch _request = null!;
    private StreamRelayPass _stream = null!;
    private UsageRecordBuild _record = null!;
    private BudgetHoldAndSettle _budget = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = new RequestScanAndPatch();
        _stream = new StreamRelayPass();
        _record = new UsageRecordBuild();
        _budget = new BudgetHoldAndSettle();
    }

    [GlobalCleanup]
    public void Cleanup() => _record.Dispose();

    [Benchmark(Description = "request: scan + patch")]
    public long RequestScanAndPatch() => _request.Run();

    [Benchmark(Description = "stream: relay 20 chunks")]
    public long StreamRelay() => _stream.Run();

    [Benchmark(Description = "ledger line: build + bind")]
    public long UsageRecord() => _record.Run();

    [Benchmark(Description = "budget: hold 3 lines + settle")]
    public long BudgetHold() => _budget.Run();
}
