namespace Ciyuan.Core.Routing;

/// <summary>How one model alias is routed: strategy, prompt-cache affinity, retry bounds.</summary>
public sealed record AliasRoutingOptions
{
    public static AliasRoutingOptions Default { get; } = new();

    /// <summary>A name from <see cref="RoutingPolicyNames"/>.</summary>
    public string Strategy { get; init; } = RoutingPolicyNames.Ordered;

    /// <summary>Send requests that share a prompt prefix to the same healthy deployment (and key).</summary>
    public bool CacheAffinity { get; init; } = true;

    /// <summary>Cache-hit likelihood on a deployment that has not seen the prefix (cost estimate only).</summary>
    public double CacheHitLikelihood { get; init; }

    /// <summary>Cache-hit likelihood on the affine deployment, where the prefix was sent before.</summary>
    public double AffineCacheHitLikelihood { get; init; } = 0.9;

    /// <summary>Output tokens assumed for cost and latency when the request sets no maximum.</summary>
    public long DefaultExpectedOutputTokens { get; init; } = 512;

    /// <summary>Attempts per request, first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Total time a request may spend on attempts and waits, from routing to the last attempt's start.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest Retry-After (or back-off) worth waiting for on the same deployment when no other is left.</summary>
    public TimeSpan MaxSameDeploymentWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before retrying the only deployment after an error without Retry-After.</summary>
    public TimeSpan SameDeploymentBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
}
