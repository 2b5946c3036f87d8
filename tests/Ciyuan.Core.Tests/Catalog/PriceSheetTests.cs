using Ciyuan.Core.Catalog;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Catalog;

public sealed class PriceSheetTests
{
    // 1M uncached input + 1M cache hits + 1M output make the bill read as the sum of the three prices.
    private static readonly TokenUsage OneMillionEach = new(1_000_000, 1_000_000, 0, 1_000_000, 0);

    private static PriceSheet DeepSeekFlash => ModelCatalog.Builtin.FindModel("deepseek", "deepseek-flash")!.Price!;

    private static PriceSheet QwenPlusChina => ModelCatalog.Builtin.FindModel("dashscope-cn", "qwen3.5-plus")!.Price!;

    [Theory]
    [InlineData("2026-11-23T01:00:00Z")] // Monday 09:00 Beijing: peak starts
    [InlineData("2026-11-23T03:59:59Z")] // Monday 11:59:59 Beijing
    [InlineData("2026-11-25T06:00:00Z")] // Wednesday 14:00 Beijing
    [InlineData("2026-11-27T09:30:00Z")] // Friday 17:30 Beijing
    public void Cost_DeepSeekDuringPeak_ChargesPeakPrices(string at)
    {
        var cost = DeepSeekFlash.Cost(OneMillionEach, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0.30m + 0.006m + 1.20m, cost.ToDecimal());
    }

    [Theory]
    [InlineData("2026-11-23T00:59:59Z")] // Monday 08:59:59 Beijing: before peak
    [InlineData("2026-11-23T04:00:00Z")] // Monday 12:00 Beijing: lunch break
    [InlineData("2026-11-23T05:59:59Z")] // Monday 13:59:59 Beijing
    [InlineData("2026-11-23T10:00:00Z")] // Monday 18:00 Beijing: peak over
    [InlineData("2026-11-28T02:00:00Z")] // Saturday 10:00 Beijing
    [InlineData("2026-11-29T07:00:00Z")] // Sunday 15:00 Beijing
    public void Cost_DeepSeekOffPeak_ChargesHalfOfPeak(string at)
    {
        var cost = DeepSeekFlash.Cost(OneMillionEach, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((0.30m + 0.006m + 1.20m) / 2, cost.ToDecimal());
    }

    [Fact]
    public void Cost_DeepSeekPeakGivenInBeijingOffset_UsesUtcWindows()
    {
        // 09:30 in Beijing (UTC+8) is 01:30 UTC: peak, whatever offset the timestamp carries.
        var at = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.FromHours(8));

        Assert.Same(DeepSeekFlash.Tiers[0], DeepSeekFlash.SelectTier(10, at));
    }

    [Theory]
    [InlineData(1, 0.8)]
    [InlineData(131_072, 0.8)]
    [InlineData(131_073, 2)]
    [InlineData(262_144, 2)]
    [InlineData(900_000, 2)] // longer than every band: the last tier
    public void SelectTier_QwenByPromptLength_PicksTheBand(long promptTokens, decimal expectedInput)
    {
        var tier = QwenPlusChina.SelectTier(promptTokens, DateTimeOffset.UnixEpoch);

        Assert.Equal(expectedInput, tier.Input);
    }

    [Fact]
    public void Cost_QwenLongPrompt_ChargesLongBandForEveryToken()
    {
        // 200K prompt falls in the 128K-256K band: ¥2 input and ¥12 output per million.
        var usage = new TokenUsage(200_000, 0, 0, 1_000, 0);

        var cost = QwenPlusChina.Cost(usage, DateTimeOffset.UnixEpoch);

        Assert.Equal((200_000 * 2m + 1_000 * 12m) / 1_000_000m, cost.ToDecimal());
        Assert.Equal("CNY", QwenPlusChina.Currency);
    }

    [Fact]
    public void Cost_CacheWriteAndHitUnknown_ChargedAsInput()
    {
        var sheet = new PriceSheet { Currency = "USD", Tiers = [new PriceTier { Input = 2m, Output = 5m }] };
        var usage = new TokenUsage(InputUncached: 100, CacheRead: 200, CacheWrite: 300, Output: 10, Reasoning: 4);

        var cost = sheet.Cost(usage, DateTimeOffset.UnixEpoch);

        Assert.Equal(((100 + 200 + 300) * 2m) + (10 * 5m), cost.Value);
    }

    [Fact]
    public void Cost_FractionOfAMicroUnit_RoundsOnceAwayFromZero()
    {
        // 3 tokens × 0.5 per million = 1.5 micro-units → 2; rounding each bucket first would give 0 + 2 + 2 = 4 for three buckets.
        var sheet = new PriceSheet { Currency = "USD", Tiers = [new PriceTier { Input = 0.5m, CacheHit = 0.5m, Output = 0.5m }] };

        Assert.Equal(2, sheet.Cost(new TokenUsage(3, 0, 0, 0, 0), DateTimeOffset.UnixEpoch).Value);
        Assert.Equal(2, sheet.Cost(new TokenUsage(1, 1, 0, 1, 0), DateTimeOffset.UnixEpoch).Value);
    }

    [Fact]
    public void Cost_RandomUsageAndTimes_MatchesFormulaAndIsNonNegative()
    {
        var random = new Random(20261123);
        var sheets = ModelCatalog.Builtin.Models.Where(m => m.Price is not null).Select(m => m.Price!).ToArray();
        Assert.NotEmpty(sheets);

        for (var i = 0; i < 5_000; i++)
        {
            var sheet = sheets[random.Next(sheets.Length)];
            var usage = new TokenUsage(
                InputUncached: NextTokens(random),
                CacheRead: NextTokens(random),
                CacheWrite: NextTokens(random),
                Output: NextTokens(random),
                Reasoning: 0);
            var at = DateTimeOffset.UnixEpoch.AddSeconds(random.NextInt64(0, 4_102_444_800)); // 1970..2100

            var cost = sheet.Cost(usage, at);

            Assert.True(cost.Value >= 0, $"negative cost {cost} for {usage}");
            Assert.Equal(ExpectedMicroUnits(sheet, usage, at), cost.Value);
        }
    }

    // Prompts up to a few million tokens, with a bias to zero and to the tier boundaries' scale.
    private static long NextTokens(Random random) => random.Next(4) switch
    {
        0 => 0,
        1 => random.Next(0, 1_000),
        2 => random.Next(0, 300_000),
        _ => random.NextInt64(0, 5_000_000),
    };

    // An independent statement of the documented rules: tier by UTC window and prompt length,
    // then the exact decimal formula, divided by a million, rounded once away from zero.
    private static long ExpectedMicroUnits(PriceSheet sheet, TokenUsage usage, DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var prompt = usage.InputUncached + usage.CacheRead + usage.CacheWrite;
        var applicable = sheet.Tiers
            .Where(t => t.WindowsUtc.Count == 0 || t.WindowsUtc.Any(w =>
                (w.Days.Count == 0 || w.Days.Contains(utc.DayOfWeek)) && utc.TimeOfDay >= w.Start && utc.TimeOfDay < w.End))
            .ToList();
        var tier = applicable.FirstOrDefault(t => t.MaxInputTokens is null || prompt <= t.MaxInputTokens)
            ?? applicable.LastOrDefault()
            ?? sheet.Tiers[^1];

        var currency = (usage.InputUncached * tier.Input)
            + (usage.CacheRead * (tier.CacheHit ?? tier.Input))
            + (usage.CacheWrite * (tier.CacheWrite ?? tier.Input))
            + (usage.Output * tier.Output);
        var inCurrencyUnits = currency / 1_000_000m;
        return (long)Math.Round(inCurrencyUnits * 1_000_000m, 0, MidpointRounding.AwayFromZero);
    }
}
