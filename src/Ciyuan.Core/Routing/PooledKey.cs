namespace Ciyuan.Core.Routing;

/// <summary>
/// One upstream API key of a <see cref="KeyPool"/> with its own concurrency limit.
/// <see cref="Id"/> is safe to log; <see cref="Secret"/> never is.
/// </summary>
public sealed class PooledKey
{
    private int _inFlight;

    public PooledKey(string id, string secret, int maxInFlight = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegative(maxInFlight);
        Id = id;
        Secret = secret;
        MaxInFlight = maxInFlight;
        IdHash = StableHash.Of(id);
    }

    /// <summary>A name for logs and headers, e.g. <c>deepseek#2</c>.</summary>
    public string Id { get; }

    public string Secret { get; }

    /// <summary>0 means no limit.</summary>
    public int MaxInFlight { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool HasCapacity => MaxInFlight == 0 || InFlight < MaxInFlight;

    internal ulong IdHash { get; }

    public override string ToString() => Id;

    internal bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (MaxInFlight != 0 && current >= MaxInFlight)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    internal void Exit() => Interlocked.Decrement(ref _inFlight);
}
