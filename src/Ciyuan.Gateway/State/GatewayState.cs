using System.Collections.Frozen;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.State;

/// <summary>
/// Lookup tables derived once from the config snapshot, so the request path does dictionary
/// lookups and nothing else.
/// </summary>
internal sealed class GatewayState
{
    public GatewayState(CiyuanConfig config, ModelCatalog catalog)
    {
        Config = config;
        Catalog = catalog;
        var deployments = config.Models.SelectMany(m => m.Deployments).DistinctBy(d => d.Id).ToArray();
        CatalogModels = deployments
            .Select(d => (d.Id, Model: d.Provider.CatalogId is { } provider ? catalog.FindModel(provider, d.UpstreamModel) : null))
            .Where(x => x.Model is not null)
            .ToFrozenDictionary(x => x.Id, x => x.Model!, StringComparer.Ordinal);
        Prices = deployments
            .Select(d => (d.Id, Price: d.Price is { } configured ? new FlatPriceQuote(configured) : (IPriceQuote?)CatalogModels.GetValueOrDefault(d.Id)?.Price))
            .Where(x => x.Price is not null)
            .ToFrozenDictionary(x => x.Id, x => x.Price!, StringComparer.Ordinal);
        Unpriced = deployments.Where(d => !Prices.ContainsKey(d.Id)).Select(d => d.Id).ToArray();
        Profiles = deployments.ToFrozenDictionary(d => d.Id, d => ProviderProfiles.For(d.Provider.Kind, d.UpstreamModel), StringComparer.Ordinal);

        // With refuse_unpriced, an unpriced deployment is never dispatched to; a model left with none is refused by name.
        var servable = config.Models
            .Select(m => config.Server.RefuseUnpriced ? m with { Deployments = m.Deployments.Where(d => Prices.ContainsKey(d.Id)).ToArray() } : m)
            .ToArray();
        Aliases = servable.Where(m => m.Deployments.Count > 0).ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
        RefusedAliases = servable.Where(m => m.Deployments.Count == 0).Select(m => m.Name).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Models refused because none of their deployments has a price and <c>server.refuse_unpriced</c> is on.</summary>
    public FrozenSet<string> RefusedAliases { get; }

    /// <summary>The vendor profile (quirks as data) of each deployment, resolved once.</summary>
    public FrozenDictionary<string, ProviderProfile> Profiles { get; }

    public ProviderProfile ProfileOf(DeploymentConfig deployment) => Profiles[deployment.Id];

    public CiyuanConfig Config { get; }

    public ModelCatalog Catalog { get; }

    public FrozenDictionary<string, ModelAliasConfig> Aliases { get; }

    /// <summary>Config price if set, else the catalog's; deployments with neither are absent.</summary>
    public FrozenDictionary<string, IPriceQuote> Prices { get; }

    /// <summary>Catalog facts of each deployment whose provider and model the catalog knows.</summary>
    public FrozenDictionary<string, CatalogModel> CatalogModels { get; }

    /// <summary>Deployments with no known price: served, but their ledger rows are flagged unpriced.</summary>
    public IReadOnlyList<string> Unpriced { get; }

    public IPriceQuote? PriceOf(DeploymentConfig deployment) => Prices.GetValueOrDefault(deployment.Id);

    /// <summary>The most tokens a request may be billed for on <paramref name="deployment"/> (see <see cref="WorstCase"/>).</summary>
    public TokenCeiling CeilingFor(DeploymentConfig deployment, long promptCeiling, OutputLimits limits)
    {
        var model = CatalogModels.GetValueOrDefault(deployment.Id);
        return WorstCase.Ceiling(promptCeiling, limits, model?.MaxOutput, deployment.ContextWindow ?? model?.ContextWindow);
    }
}
