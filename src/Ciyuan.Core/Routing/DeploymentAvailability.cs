namespace Ciyuan.Core.Routing;

/// <summary>Whether a deployment may take a call now, and if not, why.</summary>
public enum DeploymentAvailability
{
    Available,

    /// <summary>Its circuit is open (or its half-open trial is already out).</summary>
    CircuitOpen,

    /// <summary>A 429's <c>Retry-After</c> holds it out until a later time.</summary>
    RetryAfterHold,

    /// <summary>It (or every key of its key pool) is at its in-flight limit.</summary>
    Saturated,
}
