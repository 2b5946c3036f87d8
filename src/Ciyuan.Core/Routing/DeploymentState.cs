using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// A deployment at run time: its immutable config and traits plus lock-free live counters
/// (in-flight calls, EWMAs of time-to-first-token and tokens per second, Retry-After hold, and one
/// circuit per <see cref="UpstreamEndpoint"/>: a provider whose Messages or Responses endpoint fails
/// keeps serving through its OpenAI-dialect endpoint). One instance per deployment is shared by every request, so
/// all members are thread-safe. Members without an endpoint argument mean the OpenAI-dialect one.
/// </summary>
public sealed class DeploymentState
{
    /// <summary>Weight of a new sample in the EWMAs: recent calls matter, one outlier does not dominate.</summary>
    private const double EwmaAlpha = 0.3;

    private readonly TimeProvider _time;
    private readonly LiveCounters _live;

    public DeploymentState(
        DeploymentConfig config,
        DeploymentTraits? traits = null,
        TimeProvider? timeProvider = null,
        CircuitBreakerOptions? circuitBreaker = null,
        KeyPool? keys = null)
    {
        Config = config;
        Traits = traits ?? DeploymentTraits.Unknown;
        Keys = keys;
        _time = timeProvider ?? TimeProvider.System;
        _live = new LiveCounters(circuitBreaker ?? CircuitBreakerOptions.Default);
        IdHash = StableHash.Of(config.Id);
    }

    private DeploymentState(DeploymentConfig config, DeploymentTraits traits, KeyPool? keys, DeploymentState previous)
    {
        Config = config;
        Traits = traits;
        Keys = keys;
        _time = previous._time;
        _live = previous._live;
        IdHash = StableHash.Of(config.Id);
    }

    public DeploymentConfig Config { get; }

    public DeploymentTraits Traits { get; }

    /// <summary>API keys to spread calls over; null means the provider's single configured key.</summary>
    public KeyPool? Keys { get; }

    public string Id => Config.Id;

    public int InFlight => Volatile.Read(ref _live.InFlight);

    /// <summary>EWMA of time to first token in milliseconds; NaN until a call succeeded.</summary>
    public double TimeToFirstTokenMs => Ewma.Read(ref _live.TtftMsBits);

    /// <summary>EWMA of output tokens per second after the first token; NaN until measured.</summary>
    public double TokensPerSecond => Ewma.Read(ref _live.TokensPerSecondBits);

    public bool IsMeasured => !double.IsNaN(TimeToFirstTokenMs);

    /// <summary>At its own in-flight limit, or every key of its pool is at its limit.</summary>
    public bool IsSaturated =>
        (Traits.MaxInFlight > 0 && InFlight >= Traits.MaxInFlight) || (Keys is not null && !Keys.HasCapacity);

    public CircuitState Circuit => CircuitOf(UpstreamEndpoint.OpenAI);

    /// <summary>Until when a 429's Retry-After holds the deployment out; null when not held.</summary>
    public DateTimeOffset? HeldUntil
    {
        get
        {
            var until = Volatile.Read(ref _live.HoldUntilTicks);
            return until > NowTicks ? new DateTimeOffset(until, TimeSpan.Zero) : null;
        }
    }

    /// <summary>When an open circuit will admit its trial; null unless the circuit is open.</summary>
    public DateTimeOffset? CircuitOpenUntil => CircuitOpenUntilOf(UpstreamEndpoint.OpenAI);

    internal ulong IdHash { get; }

    private long NowTicks => _time.GetUtcNow().UtcTicks;

    public CircuitState CircuitOf(UpstreamEndpoint endpoint) => Breaker(endpoint).StateAt(NowTicks);

    /// <summary>When the endpoint's open circuit will admit its trial; null unless that circuit is open.</summary>
    public DateTimeOffset? CircuitOpenUntilOf(UpstreamEndpoint endpoint)
    {
        var breaker = Breaker(endpoint);
        return breaker.RawState == CircuitState.Open ? new DateTimeOffset(breaker.OpenUntilTicks, TimeSpan.Zero) : null;
    }

    /// <summary>Whether a call could start now, without changing anything.</summary>
    public DeploymentAvailability GetAvailability(UpstreamEndpoint endpoint = UpstreamEndpoint.OpenAI)
    {
        var now = NowTicks;
        if (Volatile.Read(ref _live.HoldUntilTicks) > now)
        {
            return DeploymentAvailability.RetryAfterHold;
        }

        if (!Breaker(endpoint).CanAttempt(now))
        {
            return DeploymentAvailability.CircuitOpen;
        }

        return IsSaturated ? DeploymentAvailability.Saturated : DeploymentAvailability.Available;
    }

    /// <summary>
    /// Starts a call if the deployment admits one: not held, below its in-flight limit, and its
    /// circuit closed or granting the half-open trial. Returns false (and counts nothing) otherwise.
    /// Every true must be followed by exactly one of RecordSuccess, RecordFailure or RecordCancelled.
    /// </summary>
    public bool RecordStart(UpstreamEndpoint endpoint = UpstreamEndpoint.OpenAI)
    {
        var now = NowTicks;
        if (Volatile.Read(ref _live.HoldUntilTicks) > now)
        {
            return false;
        }

        // The in-flight slot is taken before the circuit is asked, so a half-open trial is never
        // granted to a call that then finds the deployment full.
        if (!TryEnterInFlight())
        {
            return false;
        }

        if (!Breaker(endpoint).TryAcquire(now))
        {
            Interlocked.Decrement(ref _live.InFlight);
            return false;
        }

        return true;
    }

    /// <summary>Ends a call that produced its first token; feeds the latency EWMAs and closes a half-open circuit.</summary>
    public void RecordSuccess(TimeSpan timeToFirstToken, double tokensPerSecond, UpstreamEndpoint endpoint = UpstreamEndpoint.OpenAI)
    {
        Interlocked.Decrement(ref _live.InFlight);
        Ewma.Add(ref _live.TtftMsBits, timeToFirstToken.TotalMilliseconds, EwmaAlpha);
        if (tokensPerSecond > 0)
        {
            Ewma.Add(ref _live.TokensPerSecondBits, tokensPerSecond, EwmaAlpha);
        }

        Breaker(endpoint).RecordSuccess(NowTicks);
    }

    /// <summary>
    /// Ends a failed call. Failures that say nothing about the deployment's health (a bad or
    /// filtered request) do not count against its circuit; <paramref name="retryAfter"/> from a 429
    /// holds the deployment out until then.
    /// </summary>
    public void RecordFailure(ProviderFailureKind kind, TimeSpan? retryAfter = null, UpstreamEndpoint endpoint = UpstreamEndpoint.OpenAI)
    {
        Interlocked.Decrement(ref _live.InFlight);
        var now = NowTicks;
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            HoldUntil(new DateTimeOffset(now + wait.Ticks, TimeSpan.Zero));
        }

        var breaker = Breaker(endpoint);
        if (CountsAgainstCircuit(kind))
        {
            breaker.RecordFailure(now);
        }
        else
        {
            // The deployment answered sensibly; for the circuit that is a healthy call.
            breaker.RecordSuccess(now);
        }
    }

    /// <summary>Ends a call the client abandoned: frees the slot without judging the deployment.</summary>
    public void RecordCancelled() => Interlocked.Decrement(ref _live.InFlight);

    /// <summary>Holds the deployment out of routing until <paramref name="until"/> (the later of two holds wins).</summary>
    public void HoldUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        while (true)
        {
            var current = Volatile.Read(ref _live.HoldUntilTicks);
            if (current >= ticks || Interlocked.CompareExchange(ref _live.HoldUntilTicks, ticks, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Calls and failures in the circuit's rolling window, for explain and metrics.</summary>
    public (long Calls, long Failures) WindowTotals(UpstreamEndpoint endpoint = UpstreamEndpoint.OpenAI) => Breaker(endpoint).Totals(NowTicks);

    /// <summary>
    /// The same deployment under a reloaded config (new price, limits or keys): the new state shares
    /// this one's live counters, so the circuit, the EWMAs, a Retry-After hold and the calls still in
    /// flight on the old config carry over.
    /// </summary>
    public DeploymentState Reconfigured(DeploymentConfig config, DeploymentTraits traits, KeyPool? keys)
    {
        if (!string.Equals(config.Id, Id, StringComparison.Ordinal))
        {
            throw new ArgumentException($"deployment '{config.Id}' cannot carry the state of '{Id}'", nameof(config));
        }

        return new DeploymentState(config, traits, keys, this);
    }

    public override string ToString() => Id;

    internal static bool CountsAgainstCircuit(ProviderFailureKind kind) => kind is not
        (ProviderFailureKind.BadRequest or ProviderFailureKind.ContentFiltered or ProviderFailureKind.ContextTooLong);

    private CircuitBreaker Breaker(UpstreamEndpoint endpoint) => _live.Breakers[(int)endpoint];

    private bool TryEnterInFlight()
    {
        var limit = Traits.MaxInFlight;
        while (true)
        {
            var current = Volatile.Read(ref _live.InFlight);
            if (limit > 0 && current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _live.InFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>What a deployment learns while it serves; shared by every config generation of the same deployment.</summary>
    private sealed class LiveCounters(CircuitBreakerOptions circuitBreaker)
    {
        public readonly CircuitBreaker[] Breakers = [.. Enum.GetValues<UpstreamEndpoint>().Select(_ => new CircuitBreaker(circuitBreaker))];
        public int InFlight;
        public long TtftMsBits = Ewma.Unmeasured;
        public long TokensPerSecondBits = Ewma.Unmeasured;
        public long HoldUntilTicks;
    }
}
