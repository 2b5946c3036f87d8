using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Metering;

public sealed class PriceFormulaTests
{
    [Fact]
    public void Cost_EveryBucket_SumsTokensTimesPricePerMillion()
    {
        // 1,000 uncached × 0.27 + 2,000 read × 0.07 + 500 written × 0.3 + 300 out × 1.1 (per 1M)
        // = 270 + 140 + 150 + 330 micro-units.
        var usage = new TokenUsage(1_000, 2_000, 500, 300, 100);

        var cost = PriceFormula.Cost(usage, input: 0.27m, cacheHit: 0.07m, cacheWrite: 0.3m, output: 1.1m);

        Assert.Equal(new MicroUnits(890), cost);
    }

    [Fact]
    public void Cost_ReasoningTokens_AreNotChargedTwice()
    {
        var withReasoning = new TokenUsage(0, 0, 0, 1_000, 900);
        var without = new TokenUsage(0, 0, 0, 1_000, 0);

        Assert.Equal(
            PriceFormula.Cost(without, 1m, null, null, 2m),
            PriceFormula.Cost(withReasoning, 1m, null, null, 2m));
    }

    [Fact]
    public void Cost_UnknownCachePrices_FallBackToInputPrice()
    {
        var usage = new TokenUsage(100, 200, 300, 0, 0);

        var cost = PriceFormula.Cost(usage, input: 2m, cacheHit: null, cacheWrite: null, output: 10m);

        Assert.Equal(new MicroUnits(1_200), cost);
    }

    [Fact]
    public void Cost_ZeroCachePrice_IsFreeNotFallback()
    {
        var usage = new TokenUsage(0, 1_000, 1_000, 0, 0);

        Assert.Equal(MicroUnits.Zero, PriceFormula.Cost(usage, input: 5m, cacheHit: 0m, cacheWrite: 0m, output: 5m));
    }

    [Theory]
    [InlineData(1, "0.5", 1)]
    [InlineData(3, "0.5", 2)]
    [InlineData(5, "0.5", 3)]
    [InlineData(1, "0.4999999", 0)]
    [InlineData(1, "0.5000001", 1)]
    [InlineData(7, "0.35", 2)]
    public void Cost_HalfMicroUnit_RoundsAwayFromZero(long tokens, string price, long expected)
    {
        var usage = new TokenUsage(tokens, 0, 0, 0, 0);

        var cost = PriceFormula.Cost(usage, decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), null, null, 0m);

        Assert.Equal(expected, cost.Value);
    }

    [Fact]
    public void Cost_DecimalFractions_AreExactBeforeRoundingOnce()
    {
        // In binary floating point 10 × 0.07 + 10 × 0.08 is 1.4999999999999998 and would round to 1.
        var usage = new TokenUsage(10, 0, 0, 10, 0);

        Assert.Equal(new MicroUnits(2), PriceFormula.Cost(usage, 0.07m, null, null, 0.08m));
    }

    [Fact]
    public void Cost_RoundsOnceNotPerBucket()
    {
        // Each bucket alone is 0.4 micro-units (rounds to 0); together 1.6 rounds to 2.
        var usage = new TokenUsage(1, 1, 1, 1, 0);

        Assert.Equal(new MicroUnits(2), PriceFormula.Cost(usage, 0.4m, 0.4m, 0.4m, 0.4m));
    }

    [Fact]
    public void Cost_LargeVolumes_StayExact()
    {
        var usage = new TokenUsage(3_000_000_000, 0, 0, 1_000_000_000, 0);

        var cost = PriceFormula.Cost(usage, input: 1.32m, cacheHit: null, cacheWrite: null, output: 3.96m);

        Assert.Equal(new MicroUnits(7_920_000_000), cost);
        Assert.Equal(7_920m, cost.ToDecimal());
    }

    [Fact]
    public void FlatPriceQuote_Cost_UsesConfiguredPriceAndCurrency()
    {
        var quote = new FlatPriceQuote(new PriceConfig(0.27m, 1.1m, 0.07m, null, "CNY"));
        var usage = new TokenUsage(1_000, 2_000, 500, 300, 0);

        Assert.Equal("CNY", quote.Currency);
        Assert.Equal(new MicroUnits(270 + 140 + 135 + 330), quote.Cost(usage, DateTimeOffset.UnixEpoch));
    }
}
