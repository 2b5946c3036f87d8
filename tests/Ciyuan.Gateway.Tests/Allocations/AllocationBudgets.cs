namespace Ciyuan.Gateway.Tests.Allocations;

/// <summary>
/// The most bytes each hot path may allocate per operation; the operations are the benchmarks' workloads in
/// bench/Ciyuan.Benchmarks/HotPaths (HotPathBenchmarks runs the same ones). A test fails when a change makes
/// one allocate more: lower a budget when a path gets cheaper, raise one only with the reason in the commit.
///
/// Measured by <see cref="AllocationMeter"/> (this thread's allocated bytes over 1,000 runs after 200
/// warm-up runs) in the Debug build the test suite runs, which allocates at least as much as Release (the
/// optimising JIT can only remove allocations); docs/performance.md has the BenchmarkDotNet figures of the
/// Release build beside them. Each budget is the measured figure rounded up to the next 8 bytes.
/// </summary>
internal static class AllocationBudgets
{
    /// <summary>A streamed chat request: one scan of the body, then its patch for the upstream into a pooled buffer.</summary>
    public const long RequestScanAndPatch = 248;

    /// <summary>A 20-chunk stream relayed frame by frame (reader, codec, output guard, frames written).</summary>
    public const long StreamRelay = 864;

    /// <summary>A ledger line built from the request and bound, position by position, to the SQLite insert (binding allocates nothing).</summary>
    public const long UsageRecordBuild = 288;

    /// <summary>A hold on three budget lines in the in-memory book, then its settlement.</summary>
    public const long BudgetHoldAndSettle = 0;
}
