namespace Ciyuan.Core.Metering;

/// <summary>The one cost formula every price source uses, so ledger rows agree to the micro-unit.</summary>
public static class PriceFormula
{
    /// <summary>Prices are per million tokens; unknown cache prices fall back to the input price.</summary>
    public static MicroUnits Cost(TokenUsage usage, decimal input, decimal? cacheHit, decimal? cacheWrite, decimal output)
    {
        // Units: tokens × (currency per 1e6 tokens) = 1e-6 currency = micro-units, so no division is needed.
        var micro = (usage.InputUncached * input)
            + (usage.CacheRead * (cacheHit ?? input))
            + (usage.CacheWrite * (cacheWrite ?? input))
            + (usage.Output * output);
        // A usage no gateway would accept (an upstream claiming ~10^19 tokens) saturates rather
        // than throwing in the middle of settling a request.
        var rounded = decimal.Round(micro, 0, MidpointRounding.AwayFromZero);
        return new MicroUnits(rounded >= long.MaxValue ? long.MaxValue : rounded <= long.MinValue ? long.MinValue : (long)rounded);
    }
}
