using Ciyuan.Core.Catalog;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// What prompt-cache hits saved: each rollup row's cache-read tokens priced at the deployment's
/// uncached input price minus its cache-hit price, at the bucket's time and the shortest prompt
/// band (a row sums many requests, so the band of each one is not known). Deployments without a
/// price, or without a cheaper cache price, saved nothing that can be stated.
/// </summary>
internal sealed class CacheSavings(LiveConfig live)
{
    public (string Currency, long Micros)? Of(UsageSeriesRow row)
    {
        if (row.Usage.CacheRead == 0 || row.Currency.Length == 0 || live.Current.State.Prices.GetValueOrDefault(row.Deployment) is not { } quote || quote.Currency != row.Currency)
        {
            return null;
        }

        var (input, cacheHit) = quote switch
        {
            FlatPriceQuote flat => (flat.Price.Input, flat.Price.CacheHit ?? flat.Price.Input),
            PriceSheet sheet => sheet.SelectTier(0, row.Bucket) is var tier ? (tier.Input, tier.CacheHit ?? tier.Input) : default,
            _ => (0m, 0m),
        };
        var uncached = PriceFormula.Cost(new TokenUsage(row.Usage.CacheRead, 0, 0, 0, 0), input, null, null, 0);
        var cached = PriceFormula.Cost(new TokenUsage(0, row.Usage.CacheRead, 0, 0, 0), input, cacheHit, null, 0);
        return (row.Currency, uncached.Value - cached.Value);
    }
}
