using System.Globalization;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Lowest expected cost of this request first:
/// <c>prompt × (h × cache-hit price + (1 − h) × input price) + expected output × output price</c>,
/// where h is the cache-hit likelihood (higher on the prompt-cache-affine deployment). Prices come
/// from each deployment's <see cref="IPriceQuote"/> at the request time, so time-of-day tiers
/// (DeepSeek off-peak) count, and are converted to USD. Unknown prices rank last.
/// </summary>
public sealed class CheapestRoutingPolicy(CurrencyConverter rates) : ScoredRoutingPolicy, IRankExplainer
{
    public override string Name => RoutingPolicyNames.Cheapest;

    protected override double Score(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index) =>
        ExpectedCostUsdMicros(context, candidates[index], index);

    /// <summary>On a tie the affine deployment wins: its cache may hit even where the price list cannot say so.</summary>
    protected override bool PromotesAffine(ReadOnlySpan<double> scores, ReadOnlySpan<int> order, int affine) =>
        scores[affine] <= scores[order[0]];

    /// <summary>Expected cost in USD micro-units (millionths of a dollar); +∞ when the price is unknown.</summary>
    public double ExpectedCostUsdMicros(in RoutingContext context, DeploymentState candidate, int index)
    {
        var quote = candidate.Traits.Price;
        if (quote is null)
        {
            return double.PositiveInfinity;
        }

        // The formula is linear in the buckets, so the expectation is the mix of an all-hit and an all-miss bill,
        // each priced by the quote itself (same tier selection and rounding as the ledger).
        var prompt = context.PromptTokens;
        var output = context.ExpectedOutputTokens;
        var hit = quote.Cost(new TokenUsage(0, prompt, 0, output, 0), context.Now).Value;
        var miss = quote.Cost(new TokenUsage(prompt, 0, 0, output, 0), context.Now).Value;
        var h = context.CacheHitLikelihoodAt(index);
        var usd = rates.ToUsd((h * hit) + ((1 - h) * miss), quote.Currency);
        return double.IsNaN(usd) ? double.PositiveInfinity : usd;
    }

    string IRankExplainer.Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var micros = ExpectedCostUsdMicros(context, candidates[index], index);
        if (double.IsPositiveInfinity(micros))
        {
            return "price unknown (ranked last)";
        }

        var hit = context.CacheHitLikelihoodAt(index);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"expected cost ${micros / MicroUnits.PerUnit:0.000000} (cache-hit likelihood {hit * 100:0}%{(index == context.AffinityIndex ? ", prompt-cache affine" : string.Empty)})");
    }
}
