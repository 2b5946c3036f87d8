namespace Ciyuan.Core.Routing;

/// <summary>
/// A per-deployment circuit over a rolling window of call outcomes. Lock-free: the window is a
/// ring of buckets, each one 64-bit word (bucket epoch | failures | calls) updated by compare-and-swap,
/// and the state is a word read without a lock, because every request checks it.
/// Time comes from the caller (ticks of the injected <see cref="TimeProvider"/>), so tests are exact.
/// </summary>
internal sealed class CircuitBreaker
{
    private const int Closed = (int)CircuitState.Closed;
    private const int Open = (int)CircuitState.Open;
    private const int HalfOpen = (int)CircuitState.HalfOpen;
    private const long CountMask = 0xFFFF;

    private readonly CircuitBreakerOptions _options;
    private readonly long[] _buckets;
    private readonly long _bucketTicks;
    private readonly long _coolDownTicks;
    private int _state;
    private long _openUntilTicks;
    private long _trialStartedTicks;

    public CircuitBreaker(CircuitBreakerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Buckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Window, TimeSpan.Zero);
        _options = options;
        _buckets = new long[options.Buckets];
        _bucketTicks = Math.Max(1, options.Window.Ticks / options.Buckets);
        _coolDownTicks = Math.Max(0, options.CoolDown.Ticks);
    }

    public CircuitState RawState => (CircuitState)Volatile.Read(ref _state);

    public long OpenUntilTicks => Volatile.Read(ref _openUntilTicks);

    /// <summary>The state as a caller would see it at <paramref name="nowTicks"/> (an expired open circuit reads half-open).</summary>
    public CircuitState StateAt(long nowTicks)
    {
        var state = Volatile.Read(ref _state);
        return state == Open && nowTicks >= Volatile.Read(ref _openUntilTicks) ? CircuitState.HalfOpen : (CircuitState)state;
    }

    /// <summary>True when <see cref="TryAcquire"/> would admit a call; no side effect.</summary>
    public bool CanAttempt(long nowTicks) => Volatile.Read(ref _state) switch
    {
        Closed => true,
        Open => nowTicks >= Volatile.Read(ref _openUntilTicks),
        _ => TrialExpired(nowTicks),
    };

    /// <summary>Admits a call: always when closed; exactly one trial when the cool-down has passed.</summary>
    public bool TryAcquire(long nowTicks)
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if (state == Closed)
            {
                return true;
            }

            if (state == Open)
            {
                if (nowTicks < Volatile.Read(ref _openUntilTicks))
                {
                    return false;
                }

                // Written before the swap so a reader that sees half-open never sees an old trial start.
                Volatile.Write(ref _trialStartedTicks, nowTicks);
                if (Interlocked.CompareExchange(ref _state, HalfOpen, Open) == Open)
                {
                    return true;
                }

                continue;
            }

            // Half-open with a trial out. If that trial never reported (a cancelled request), admit
            // another after a cool-down instead of refusing forever.
            var started = Volatile.Read(ref _trialStartedTicks);
            if (nowTicks - started < _coolDownTicks)
            {
                return false;
            }

            return Interlocked.CompareExchange(ref _trialStartedTicks, nowTicks, started) == started;
        }
    }

    public void RecordSuccess(long nowTicks)
    {
        if (Volatile.Read(ref _state) == HalfOpen)
        {
            // The trial worked: close and forget the failures that opened the circuit.
            if (Interlocked.CompareExchange(ref _state, Closed, HalfOpen) == HalfOpen)
            {
                Array.Clear(_buckets);
            }

            return;
        }

        AddOutcome(nowTicks, failure: false);
    }

    public void RecordFailure(long nowTicks)
    {
        var state = Volatile.Read(ref _state);
        if (state == HalfOpen)
        {
            Volatile.Write(ref _openUntilTicks, nowTicks + _coolDownTicks);
            Interlocked.CompareExchange(ref _state, Open, HalfOpen);
            return;
        }

        AddOutcome(nowTicks, failure: true);
        if (state != Closed)
        {
            return;
        }

        var (calls, failures) = Totals(nowTicks);
        if (calls >= _options.MinimumCalls && failures >= _options.FailureRateThreshold * calls)
        {
            Volatile.Write(ref _openUntilTicks, nowTicks + _coolDownTicks);
            Interlocked.CompareExchange(ref _state, Open, Closed);
        }
    }

    /// <summary>Calls and failures inside the window ending at <paramref name="nowTicks"/>.</summary>
    public (long Calls, long Failures) Totals(long nowTicks)
    {
        var epoch = (uint)(nowTicks / _bucketTicks);
        long calls = 0, failures = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            var word = Volatile.Read(ref _buckets[i]);
            var age = epoch - (uint)((ulong)word >> 32);
            if (age < (uint)_buckets.Length)
            {
                calls += word & CountMask;
                failures += (word >> 16) & CountMask;
            }
        }

        return (calls, failures);
    }

    private bool TrialExpired(long nowTicks) => nowTicks - Volatile.Read(ref _trialStartedTicks) >= _coolDownTicks;

    private void AddOutcome(long nowTicks, bool failure)
    {
        var epoch = (uint)(nowTicks / _bucketTicks);
        ref var slot = ref _buckets[(int)(epoch % (uint)_buckets.Length)];
        while (true)
        {
            var word = Volatile.Read(ref slot);
            long calls, failures;
            if ((uint)((ulong)word >> 32) == epoch)
            {
                // Counts saturate instead of wrapping; 65,535 calls per bucket is far beyond an LLM deployment.
                calls = Math.Min(CountMask, (word & CountMask) + 1);
                failures = Math.Min(CountMask, ((word >> 16) & CountMask) + (failure ? 1 : 0));
            }
            else
            {
                calls = 1;
                failures = failure ? 1 : 0;
            }

            var next = (long)((ulong)epoch << 32) | (failures << 16) | calls;
            if (Interlocked.CompareExchange(ref slot, next, word) == word)
            {
                return;
            }
        }
    }
}
