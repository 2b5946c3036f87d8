namespace Ciyuan.Core.Configuration;

/// <summary>A public model name and the deployments that serve it, in configured order.</summary>
public sealed record ModelAliasConfig
{
    public required string Name { get; init; }

    public required IReadOnlyList<DeploymentConfig> Deployments { get; init; }

    /// <summary>Routing strategy for this model; null = <c>routing.strategy</c>.</summary>
    public string? Strategy { get; init; }

    public bool? CacheAffinity { get; init; }

    public int? MaxAttempts { get; init; }
}
