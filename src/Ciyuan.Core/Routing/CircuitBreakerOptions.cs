namespace Ciyuan.Core.Routing;

/// <summary>When a deployment's circuit opens and how long it stays open.</summary>
public sealed record CircuitBreakerOptions
{
    public static CircuitBreakerOptions Default { get; } = new();

    /// <summary>Failure share (0..1) over the window at or above which the circuit opens.</summary>
    public double FailureRateThreshold { get; init; } = 0.5;

    /// <summary>Calls the window must hold before the rate counts, so two early failures do not open it.</summary>
    public int MinimumCalls { get; init; } = 5;

    /// <summary>Length of the rolling window.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Buckets the window is split into; the window rolls one bucket at a time.</summary>
    public int Buckets { get; init; } = 10;

    /// <summary>How long an open circuit refuses calls before it admits one trial; also how long a trial may stay unanswered.</summary>
    public TimeSpan CoolDown { get; init; } = TimeSpan.FromSeconds(30);
}
