using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ciyuan.Core.Limits;

/// <summary>
/// Rate and concurrency counters for a single gateway instance. One lock per kind of counter:
/// the work under it is a few dictionary look-ups and additions, so a lock is cheaper than the
/// sorting and retry logic per-counter locks would need, and it makes all-or-none trivial.
/// </summary>
/// <remarks>
/// Written by hand rather than on System.Threading.RateLimiting: its limiters cannot take a charge
/// back (token-per-minute estimates are corrected after the request), cannot take several limiters
/// all or none, and have no shared-state form — and the Redis counters must give the same answers,
/// which one small algorithm on both sides makes testable with one contract suite.
/// </remarks>
public sealed class MemoryLimitCounters : ILimitCounters
{
    private const long SegmentMilliseconds = 10_000;
    private const int SegmentsPerWindow = 6;
    private const long WindowMilliseconds = SegmentMilliseconds * SegmentsPerWindow;

    private readonly TimeProvider _time;
    private readonly long _leaseLifetimeMilliseconds;
    private readonly Lock _rateLock = new();
    private readonly Lock _leaseLock = new();
    private readonly Dictionary<string, RateWindow> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _leases = new(StringComparer.Ordinal);
    private long _nextRateSweepMs;
    private long _nextLeaseSweepMs;

    public MemoryLimitCounters(TimeProvider time, TimeSpan? leaseLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var lifetime = leaseLifetime ?? TimeSpan.FromMinutes(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(leaseLifetime));
        _time = time;
        _leaseLifetimeMilliseconds = (long)lifetime.TotalMilliseconds;
    }

    /// <summary>Counters currently held (rate windows plus concurrency sets); lets tests see sweeps work.</summary>
    internal int TrackedCounters
    {
        get
        {
            lock (_rateLock)
            {
                lock (_leaseLock)
                {
                    return _windows.Count + _leases.Count;
                }
            }
        }
    }

    public ValueTask<LimitDecision> TryAddAsync(IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        cancellationToken.ThrowIfCancellationRequested();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var segment = Math.DivRem(nowMs, SegmentMilliseconds).Quotient;
        var count = charges.Count;
        lock (_rateLock)
        {
            SweepWindowsIfDue(nowMs, segment);
            for (var i = 0; i < count; i++)
            {
                var charge = charges[i];
                ArgumentOutOfRangeException.ThrowIfNegative(charge.Amount, nameof(charges));

                // The same counter may appear twice in one call; it must fit both amounts at once.
                var amount = charge.Amount;
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(charges[j].Counter, charge.Counter, StringComparison.Ordinal))
                    {
                        amount += charges[j].Amount;
                    }
                }

                _windows.TryGetValue(charge.Counter, out var window);
                var used = window is null ? 0 : Math.Max(window.Sum(segment), 0);
                if (used + amount > charge.LimitPerMinute)
                {
                    var retryMs = amount > charge.LimitPerMinute || window is null
                        ? WindowMilliseconds
                        : window.MillisecondsUntilFits(segment, nowMs, amount, charge.LimitPerMinute);
                    return ValueTask.FromResult(LimitDecision.Refuse(i, TimeSpan.FromMilliseconds(retryMs)));
                }
            }

            for (var i = 0; i < count; i++)
            {
                var charge = charges[i];
                ref var window = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, charge.Counter, out _);
                window ??= new RateWindow();

                // A window below zero (give-backs whose charges have since slid out) is forgiven
                // here rather than left to absorb new charges beyond the limit.
                window.Add(segment, charge.Amount + Math.Max(-window.Sum(segment), 0));
            }
        }

        return ValueTask.FromResult(LimitDecision.Allow);
    }

    public ValueTask AdjustAsync(IReadOnlyList<RateAdjustment> adjustments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustments);
        cancellationToken.ThrowIfCancellationRequested();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var segment = Math.DivRem(nowMs, SegmentMilliseconds).Quotient;
        var count = adjustments.Count;
        lock (_rateLock)
        {
            SweepWindowsIfDue(nowMs, segment);
            for (var i = 0; i < count; i++)
            {
                var adjustment = adjustments[i];
                var delta = adjustment.Delta;
                _windows.TryGetValue(adjustment.Counter, out var window);
                if (delta < 0)
                {
                    // Never give back more than the window holds: the rest corrects charges that
                    // have already slid out, and applying it would hand out room never charged.
                    delta = window is null ? 0 : Math.Max(delta, -Math.Max(window.Sum(segment), 0));
                }

                if (delta != 0)
                {
                    window ??= _windows[adjustment.Counter] = new RateWindow();
                    window.Add(segment, delta);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<LimitDecision> TryEnterAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        cancellationToken.ThrowIfCancellationRequested();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = slots.Count;
        lock (_leaseLock)
        {
            SweepLeasesIfDue(nowMs);
            for (var i = 0; i < count; i++)
            {
                var slot = slots[i];
                if (!_leases.TryGetValue(slot.Counter, out var held) || held.ContainsKey(leaseId))
                {
                    // Re-entering with a lease already held takes no second slot.
                    if (slot.Limit <= 0)
                    {
                        return ValueTask.FromResult(LimitDecision.Refuse(i, TimeSpan.Zero));
                    }

                    continue;
                }

                // Expired leases only matter when the set looks full, so only then pay to purge.
                if (held.Count >= slot.Limit)
                {
                    RemoveExpired(held, nowMs);
                    if (held.Count >= slot.Limit)
                    {
                        return ValueTask.FromResult(LimitDecision.Refuse(i, TimeSpan.Zero));
                    }
                }
            }

            var expiresMs = nowMs + _leaseLifetimeMilliseconds;
            for (var i = 0; i < count; i++)
            {
                ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_leases, slots[i].Counter, out _);
                held ??= new Dictionary<string, long>(StringComparer.Ordinal);
                held[leaseId] = expiresMs;
            }
        }

        return ValueTask.FromResult(LimitDecision.Allow);
    }

    public ValueTask ExitAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        cancellationToken.ThrowIfCancellationRequested();
        var count = slots.Count;
        lock (_leaseLock)
        {
            for (var i = 0; i < count; i++)
            {
                // Empty sets stay until the sweep so a busy counter does not reallocate per request.
                if (_leases.TryGetValue(slots[i].Counter, out var held))
                {
                    held.Remove(leaseId);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private static void RemoveExpired(Dictionary<string, long> held, long nowMs)
    {
        foreach (var (lease, expiresMs) in held)
        {
            if (expiresMs <= nowMs)
            {
                held.Remove(lease);
            }
        }
    }

    // Sweeps run at most once per window length, so their cost is spread over every call made in
    // that minute and a counter nobody uses any more is gone within two minutes.
    private void SweepWindowsIfDue(long nowMs, long segment)
    {
        if (nowMs < _nextRateSweepMs)
        {
            return;
        }

        _nextRateSweepMs = nowMs + WindowMilliseconds;
        foreach (var (counter, window) in _windows)
        {
            if (!window.IsLive(segment))
            {
                _windows.Remove(counter);
            }
        }
    }

    private void SweepLeasesIfDue(long nowMs)
    {
        if (nowMs < _nextLeaseSweepMs)
        {
            return;
        }

        _nextLeaseSweepMs = nowMs + WindowMilliseconds;
        foreach (var (counter, held) in _leases)
        {
            RemoveExpired(held, nowMs);
            if (held.Count == 0)
            {
                _leases.Remove(counter);
            }
        }
    }

    /// <summary>Six ten-second segments in a ring indexed by segment number modulo six.</summary>
    private sealed class RateWindow
    {
        private SegmentRing _ids;
        private SegmentRing _values;
        private long _latest = long.MinValue;

        /// <summary>Whether any segment still counts in the window ending in <paramref name="current"/>.</summary>
        public bool IsLive(long current) => _latest > current - SegmentsPerWindow;

        /// <summary>
        /// The raw sum of the segments in the window (may be negative after give-backs). Segments
        /// newer than <paramref name="current"/> (the wall clock stepped back) still count: safer.
        /// </summary>
        public long Sum(long current)
        {
            long sum = 0;
            for (var i = 0; i < SegmentsPerWindow; i++)
            {
                if (_ids[i] > current - SegmentsPerWindow)
                {
                    sum += _values[i];
                }
            }

            return sum;
        }

        public void Add(long current, long amount)
        {
            var slot = (int)(((current % SegmentsPerWindow) + SegmentsPerWindow) % SegmentsPerWindow);
            if (_ids[slot] != current)
            {
                _ids[slot] = current;
                _values[slot] = 0;
            }

            _values[slot] += amount;
            _latest = Math.Max(_latest, current);
        }

        /// <summary>
        /// Time until enough of the oldest segments have left the window for
        /// <paramref name="amount"/> (no more than <paramref name="limit"/>) to fit.
        /// </summary>
        public long MillisecondsUntilFits(long current, long nowMs, long amount, long limit)
        {
            var remaining = Sum(current);
            for (var oldest = current - SegmentsPerWindow + 1; oldest <= current; oldest++)
            {
                remaining -= ValueOf(oldest);
                if (Math.Max(remaining, 0) + amount <= limit)
                {
                    // Segment `oldest` leaves the window when the segment six later begins.
                    return ((oldest + SegmentsPerWindow) * SegmentMilliseconds) - nowMs;
                }
            }

            return WindowMilliseconds;
        }

        private long ValueOf(long segment)
        {
            for (var i = 0; i < SegmentsPerWindow; i++)
            {
                if (_ids[i] == segment)
                {
                    return _values[i];
                }
            }

            return 0;
        }
    }

    [InlineArray(SegmentsPerWindow)]
    private struct SegmentRing
    {
        private long _element;
    }
}
