namespace Ciyuan.Core.Routing;

/// <summary>A model alias ready to route: its deployments' live states, its strategy and options.</summary>
public sealed class AliasRoute
{
    private readonly DeploymentState[] _deployments;

    public AliasRoute(string name, IReadOnlyList<DeploymentState> deployments, IRoutingPolicy strategy, AliasRoutingOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        Name = name;
        _deployments = [.. deployments];
        Strategy = strategy;
        Options = options;
    }

    public string Name { get; }

    /// <summary>In configured order.</summary>
    public ReadOnlySpan<DeploymentState> Deployments => _deployments;

    public IRoutingPolicy Strategy { get; }

    public AliasRoutingOptions Options { get; }
}
