using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Routing facts about a deployment that <see cref="Configuration.DeploymentConfig"/> does not hold:
/// the gateway fills them from config and the catalog. Unknown facts are null (or
/// <see cref="RoutingCapabilities.All"/>) and never exclude a deployment.
/// </summary>
public sealed record DeploymentTraits
{
    public static DeploymentTraits Unknown { get; } = new();

    /// <summary>The price at request time (config price or catalog sheet); null when unknown, ranked last by <c>cheapest</c>.</summary>
    public IPriceQuote? Price { get; init; }

    /// <summary>Prompt plus output tokens the model can hold; null when unknown.</summary>
    public long? ContextWindow { get; init; }

    /// <summary>Largest output the deployment produces; null when unknown.</summary>
    public long? MaxOutputTokens { get; init; }

    public RoutingCapabilities Capabilities { get; init; } = RoutingCapabilities.All;

    /// <summary>Concurrent requests the deployment accepts before it counts as saturated; 0 means no limit.</summary>
    public int MaxInFlight { get; init; }
}
