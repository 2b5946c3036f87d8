using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Metering;

/// <summary>
/// A price without tiers, from a deployment's <c>price:</c> in config. Per million tokens:
/// <c>uncached×input + cacheRead×(cacheHit ?? input) + cacheWrite×(cacheWrite ?? input) + output×output</c>,
/// computed exactly in decimal and rounded once to micro-units.
/// </summary>
public sealed class FlatPriceQuote(PriceConfig price) : IPriceQuote
{
    public string Currency => price.Currency;

    public MicroUnits Cost(TokenUsage usage, DateTimeOffset at) =>
        PriceFormula.Cost(usage, price.Input, price.CacheHit, price.CacheWrite, price.Output);
}
