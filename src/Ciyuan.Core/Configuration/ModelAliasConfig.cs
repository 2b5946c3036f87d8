namespace Ciyuan.Core.Configuration;

/// <summary>A public model name and the deployments that serve it, in configured order.</summary>
public sealed record ModelAliasConfig
{
    public required string Name { get; init; }

    public required IReadOnlyList<DeploymentConfig> Deployments { get; init; }
}
