using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Catalog;

/// <summary>
/// A model's list price: one currency and one or more tiers (by prompt length, by time of day).
/// Cost formula, per million tokens of the selected tier:
/// <c>cost = InputUncached×Input + CacheRead×(CacheHit ?? Input) + CacheWrite×(CacheWrite ?? Input) + Output×Output</c>,
/// computed exactly in <see cref="decimal"/>, divided by 1,000,000 and rounded once to micro-units
/// (away from zero). Unknown cache prices fall back to the input price, which never under-charges.
/// </summary>
public sealed record PriceSheet : IPriceQuote
{
    /// <summary>ISO 4217 code: <c>USD</c> or <c>CNY</c>.</summary>
    public required string Currency { get; init; }

    /// <summary>Tiers in file order; see <see cref="SelectTier"/> for how one is chosen.</summary>
    public required IReadOnlyList<PriceTier> Tiers { get; init; }

    /// <summary>Where the prices were read.</summary>
    public string? Source { get; init; }

    /// <summary>The date of that source; prices move fast, so a price without a date is not trusted.</summary>
    public DateOnly? SourceDate { get; init; }

    /// <summary>
    /// The first tier, in file order, that applies at <paramref name="at"/> and whose band holds
    /// <paramref name="promptTokens"/>. When the prompt is longer than every applicable band, the
    /// last applicable tier (the longest band) is used; when no tier applies at that time, the last tier.
    /// </summary>
    public PriceTier SelectTier(long promptTokens, DateTimeOffset at)
    {
        PriceTier? lastApplicable = null;
        for (var i = 0; i < Tiers.Count; i++)
        {
            var tier = Tiers[i];
            if (!tier.AppliesAt(at))
            {
                continue;
            }

            if (tier.Fits(promptTokens))
            {
                return tier;
            }

            lastApplicable = tier;
        }

        return lastApplicable ?? Tiers[^1];
    }

    public MicroUnits Cost(TokenUsage usage, DateTimeOffset at)
    {
        var tier = SelectTier(usage.PromptTokens, at);

        // Delegates to the one shared formula so catalog prices and config prices agree to the micro-unit.
        return PriceFormula.Cost(usage, tier.Input, tier.CacheHit, tier.CacheWrite, tier.Output);
    }
}
