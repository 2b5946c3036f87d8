namespace Ciyuan.Core.Configuration;

/// <summary>
/// Budget leases on PostgreSQL: each instance escrows a slice of a budget line's remaining amount
/// and grants holds from it in memory. A slice is sized for <see cref="SliceSeconds"/> of the
/// instance's recent spend, never more than <see cref="MaxShare"/> of what the line has left, and
/// returns to the line if it is not renewed within <see cref="Duration"/> (a dead instance's, at the latest).
/// </summary>
public sealed record LeaseConfig
{
    /// <summary>How long a slice stays with its instance without a renewal; an idle instance gives its slices back after this.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How much of the instance's recent spend rate one slice covers.</summary>
    public TimeSpan SliceSeconds { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest share of a line's unleased remainder one slice may take (0 &lt; share ≤ 1).</summary>
    public decimal MaxShare { get; init; } = 0.25m;

    public static LeaseConfig Default { get; } = new();
}
