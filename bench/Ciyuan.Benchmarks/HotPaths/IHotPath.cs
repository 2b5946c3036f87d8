namespace Ciyuan.Benchmarks.HotPaths;

/// <summary>
/// One operation of a request's hot path, run through the gateway's own classes with nothing of the test
/// around it allocating: set up once, then <see cref="Run"/> any number of times on one thread, synchronously.
/// The BenchmarkDotNet figures and the allocation budgets test run the same instances.
/// </summary>
internal interface IHotPath
{
    /// <summary>Runs the operation once; returns something derived from its result, so that nothing is optimised away.</summary>
    long Run();
}
