using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Metering;

/// <summary>
/// A price without tiers, from a deployment's <c>price:</c> in config. Per million tokens:
/// <c>uncached×input + cacheRead×(cacheHit ?? input) + cacheWrite×(cacheWrite ?? input) + output×output</c>,
/// computed exactly in decimal and rounded once to micro-units.
/// </summary>
public sealed class FlatPriceQuote(PriceConfig price) : IPriceQuote
{
    public PriceConfig Price { get; } = price;

    public string Currency => Price.Currency;

    public MicroUnits Cost(TokenUsage usage, DateTimeOffset at) =>
        PriceFormula.Cost(usage, Price.Input, Price.CacheHit, Price.CacheWrite, Price.Output);
}
