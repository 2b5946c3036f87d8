namespace Ciyuan.Core.Routing;

/// <summary>Where a candidate ended up in a routing decision.</summary>
public enum CandidateStatus
{
    Ranked,
    ExcludedByPolicy,
    ExcludedByFit,
    CircuitOpen,
    RetryAfterHold,
    Saturated,
}
