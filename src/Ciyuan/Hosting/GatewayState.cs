using System.Collections.Frozen;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;

namespace Ciyuan.Hosting;

/// <summary>
/// Lookup tables derived once from the config snapshot, so the request path does dictionary
/// lookups and nothing else.
/// </summary>
internal sealed class GatewayState
{
    public GatewayState(CiyuanConfig config)
    {
        Config = config;
        Aliases = config.Models.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
        Prices = config.Models
            .SelectMany(m => m.Deployments)
            .DistinctBy(d => d.Id)
            .Where(d => d.Price is not null)
            .ToFrozenDictionary(d => d.Id, d => (IPriceQuote)new FlatPriceQuote(d.Price!), StringComparer.Ordinal);
    }

    public CiyuanConfig Config { get; }

    public FrozenDictionary<string, ModelAliasConfig> Aliases { get; }

    public FrozenDictionary<string, IPriceQuote> Prices { get; }

    public IPriceQuote? PriceOf(DeploymentConfig deployment) => Prices.GetValueOrDefault(deployment.Id);
}
