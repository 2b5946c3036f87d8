using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Every alias's route, built once per config snapshot. A deployment used by several aliases has
/// one <see cref="DeploymentState"/>, so its circuit and load are shared; on reload, states whose
/// config is unchanged are carried over so counters survive.
/// </summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<string, AliasRoute> _aliases;
    private readonly FrozenDictionary<string, DeploymentState> _deployments;

    public RoutingTable(IEnumerable<AliasRoute> aliases)
    {
        _aliases = aliases.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
        var states = new Dictionary<string, DeploymentState>(StringComparer.Ordinal);
        foreach (var alias in _aliases.Values)
        {
            foreach (var state in alias.Deployments)
            {
                states.TryAdd(state.Id, state);
            }
        }

        _deployments = states.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<AliasRoute> Aliases => _aliases.Values;

    public IEnumerable<DeploymentState> Deployments => _deployments.Values;

    /// <summary>
    /// Builds the table from config. <paramref name="traits"/> supplies price, context window,
    /// capabilities and limits per deployment (from config and catalog); <paramref name="options"/>
    /// the alias's routing options; <paramref name="keyPools"/> an optional key pool per provider name.
    /// </summary>
    public static RoutingTable Build(
        IReadOnlyList<ModelAliasConfig> models,
        RoutingPolicyRegistry strategies,
        Func<DeploymentConfig, DeploymentTraits> traits,
        Func<ModelAliasConfig, AliasRoutingOptions>? options = null,
        TimeProvider? timeProvider = null,
        CircuitBreakerOptions? circuitBreaker = null,
        IReadOnlyDictionary<string, KeyPool>? keyPools = null,
        RoutingTable? previous = null)
    {
        var states = new Dictionary<string, DeploymentState>(StringComparer.Ordinal);
        var routes = new List<AliasRoute>(models.Count);
        foreach (var model in models)
        {
            var list = new List<DeploymentState>(model.Deployments.Count);
            foreach (var deployment in model.Deployments)
            {
                if (!states.TryGetValue(deployment.Id, out var state))
                {
                    var deploymentTraits = traits(deployment);
                    var pool = keyPools?.GetValueOrDefault(deployment.Provider.Name);
                    // A deployment that still exists keeps what it has learnt (circuit, EWMAs, holds, in-flight calls).
                    state = previous is not null && previous._deployments.TryGetValue(deployment.Id, out var old)
                        ? (old.Config == deployment && old.Traits == deploymentTraits && ReferenceEquals(old.Keys, pool)
                            ? old
                            : old.Reconfigured(deployment, deploymentTraits, pool))
                        : new DeploymentState(deployment, deploymentTraits, timeProvider, circuitBreaker, pool);
                    states.Add(deployment.Id, state);
                }

                list.Add(state);
            }

            var aliasOptions = options?.Invoke(model) ?? AliasRoutingOptions.Default;
            routes.Add(new AliasRoute(model.Name, list, strategies.Get(aliasOptions.Strategy), aliasOptions));
        }

        return new RoutingTable(routes);
    }

    public bool TryGetAlias(string name, [NotNullWhen(true)] out AliasRoute? route) => _aliases.TryGetValue(name, out route);

    public bool TryGetDeployment(string id, [NotNullWhen(true)] out DeploymentState? state) => _deployments.TryGetValue(id, out state);
}
