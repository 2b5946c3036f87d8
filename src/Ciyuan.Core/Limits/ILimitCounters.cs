namespace Ciyuan.Core.Limits;

/// <summary>
/// The counters behind rate and concurrency limits. In memory for one instance; in Redis when
/// several instances must share them. Every call takes a whole set of counters at once (a request
/// counts against its key, its project and its deployment) and applies all of them or none.
/// </summary>
public interface ILimitCounters
{
    /// <summary>
    /// Adds each charge to its one-minute sliding window (six ten-second segments) when, for every
    /// charge, the window's sum plus the amount stays within its limit; otherwise adds nothing and
    /// says which charge did not fit and when it would.
    /// </summary>
    ValueTask<LimitDecision> TryAddAsync(IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a correction (negative to give back) to the current segment of each counter without
    /// checking limits: a token-per-minute estimate reconciled with what the request really used.
    /// </summary>
    ValueTask AdjustAsync(IReadOnlyList<RateAdjustment> adjustments, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one slot of every counter for <paramref name="leaseId"/> when each has fewer than its
    /// limit in use; otherwise takes none. Leases not returned within the lease lifetime (a crashed
    /// instance) stop counting.
    /// </summary>
    ValueTask<LimitDecision> TryEnterAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken);

    /// <summary>Returns the slots taken by <paramref name="leaseId"/>; returning twice is harmless.</summary>
    ValueTask ExitAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken);
}

/// <summary>An amount (requests or tokens) to count against a per-minute limit.</summary>
public readonly record struct RateCharge(string Counter, long Amount, long LimitPerMinute);

/// <summary>A correction to a per-minute counter.</summary>
public readonly record struct RateAdjustment(string Counter, long Delta);

/// <summary>A concurrency counter and how many may be in use at once.</summary>
public readonly record struct ConcurrencySlot(string Counter, int Limit);

/// <summary>
/// Whether a set of charges or slots was taken. When not, <see cref="RefusedIndex"/> is the first
/// one that did not fit and <see cref="RetryAfter"/> when it would (zero for concurrency: unknown).
/// </summary>
public readonly record struct LimitDecision(bool Allowed, int RefusedIndex, TimeSpan RetryAfter)
{
    public static LimitDecision Allow { get; } = new(true, -1, TimeSpan.Zero);

    public static LimitDecision Refuse(int index, TimeSpan retryAfter) => new(false, index, retryAfter);
}
