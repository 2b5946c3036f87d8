namespace Ciyuan.Core.Routing;

/// <summary>A reproducible source for tests and <c>route explain</c>; guarded by a lock because <see cref="Random"/> is not thread-safe.</summary>
public sealed class SeededRandomSource(int seed) : IRandomSource
{
#pragma warning disable CA5394 // Not for security: reproducible load spreading.
    private readonly Random _random = new(seed);
#pragma warning restore CA5394
    private readonly Lock _gate = new();

    public double NextDouble()
    {
        lock (_gate)
        {
#pragma warning disable CA5394
            return _random.NextDouble();
#pragma warning restore CA5394
        }
    }
}
