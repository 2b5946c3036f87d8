using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Routing;

namespace Ciyuan.Gateway.State;

/// <summary>
/// The routing engine built from the config snapshot: one live state per deployment (in-flight,
/// latency, circuit), the named privacy policies, and the router that turns a request into a plan.
/// </summary>
internal sealed class GatewayRouting
{
    public GatewayRouting(GatewayState state, CurrencyConverter currency, TimeProvider time, GatewayRouting? previous = null)
    {
        var config = state.Config;
        Policies = new PrivacyPolicySet(config.Policies.Select(p =>
            PrivacyPolicy.Create(p.Name, p.AllowedJurisdictions, p.SelfHostedOnly, p.ExcludedProviders, p.AllowedProviders)));
        var strategies = RoutingPolicyRegistry.CreateDefault(currency, SharedRandomSource.Instance);
        var models = config.Models.Where(m => state.Aliases.ContainsKey(m.Name)).Select(m => state.Aliases[m.Name]).ToArray();
        Table = RoutingTable.Build(
            models,
            strategies,
            deployment => new DeploymentTraits
            {
                Price = state.PriceOf(deployment),
                ContextWindow = deployment.ContextWindow ?? state.CatalogModels.GetValueOrDefault(deployment.Id)?.ContextWindow,
                MaxOutputTokens = state.CatalogModels.GetValueOrDefault(deployment.Id)?.MaxOutput,
                MaxInFlight = deployment.MaxInFlight,
                Capabilities = RequiredCapabilities.Offered(state.CatalogModels.GetValueOrDefault(deployment.Id)),
            },
            alias => new AliasRoutingOptions
            {
                Strategy = alias.Strategy ?? config.Routing.Strategy,
                CacheAffinity = alias.CacheAffinity ?? config.Routing.CacheAffinity,
                MaxAttempts = alias.MaxAttempts ?? config.Routing.MaxAttempts,
                TotalTimeout = config.Routing.Timeout,
            },
            time,
            keyPools: config.Providers.Values
                .Where(p => p.KeyPool.Count > 0)
                .ToDictionary(p => p.Name, p => KeyPoolOf(p, previous), StringComparer.Ordinal),
            previous: previous?.Table);
        Router = new DeploymentRouter(Table, Policies, time);
    }

    /// <summary>Routing for a command that serves nothing (route explain, key checks): the config's rate, the system clock.</summary>
    public static GatewayRouting For(GatewayState state) =>
        new(state, new CurrencyConverter(state.Config.Routing.CnyToUsd), TimeProvider.System);

    public PrivacyPolicySet Policies { get; }

    /// <summary>The provider's key pool; the previous generation's own when its keys are the same, so their in-flight counts carry over.</summary>
    private static KeyPool KeyPoolOf(ProviderConfig provider, GatewayRouting? previous)
    {
        var keys = provider.KeyPool.Select(k => new PooledKey(k.Id, k.Secret, k.MaxInFlight)).ToArray();
        var old = previous?.Table.Deployments.FirstOrDefault(d => d.Config.Provider.Name == provider.Name && d.Keys is not null)?.Keys;
        return old is not null && old.Keys.Select(k => (k.Id, k.Secret, k.MaxInFlight)).SequenceEqual(keys.Select(k => (k.Id, k.Secret, k.MaxInFlight)))
            ? old
            : new KeyPool(keys);
    }

    public RoutingTable Table { get; }

    public DeploymentRouter Router { get; }
}
