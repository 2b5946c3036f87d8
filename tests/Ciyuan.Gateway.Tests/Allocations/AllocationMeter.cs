using Ciyuan.Benchmarks.HotPaths;

namespace Ciyuan.Gateway.Tests.Allocations;

/// <summary>
/// Bytes a hot path allocates per run, counted by the runtime for this thread alone (other tests running at
/// the same time do not count). Runs are synchronous, so nothing moves to another thread unseen.
/// </summary>
internal static class AllocationMeter
{
    private const int WarmUpRuns = 200;
    private const int MeasuredRuns = 1000;
    private const int Rounds = 3;

    /// <summary>
    /// The fewest bytes per run over three rounds of runs, after warm-up (first-use caches, pooled buffers).
    /// Allocation is deterministic, so the rounds agree; the fewest keeps a pool trimmed by a collection at
    /// the wrong moment from counting as growth.
    /// </summary>
    public static long BytesPerRun(IHotPath path)
    {
        for (var i = 0; i < WarmUpRuns; i++)
        {
            path.Run();
        }

        var fewest = long.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < MeasuredRuns; i++)
            {
                path.Run();
            }

            var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            fewest = Math.Min(fewest, (bytes + MeasuredRuns - 1) / MeasuredRuns);
        }

        return fewest;
    }
}
