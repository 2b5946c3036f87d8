using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Tests.Metering;

public sealed class TokenUsageTests
{
    private static readonly TokenCeiling Unbounded = new(long.MaxValue, long.MaxValue);

    private static CheckedUsage Checked(long prompt, long read, long write, long output, long reasoning) =>
        UsageCheck.Count(TokenUsage.FromPromptTotals(prompt, read, write, output, reasoning), Unbounded);

    [Fact]
    public void FromPromptTotals_ConsistentTotals_SplitsIntoDisjointBuckets()
    {
        var usage = TokenUsage.FromPromptTotals(promptTokens: 100, cacheRead: 30, cacheWrite: 20, output: 50, reasoning: 10);

        Assert.Equal(new TokenUsage(50, 30, 20, 50, 10), usage);
        Assert.Equal(100, usage.PromptTokens);
        Assert.Equal(150, usage.TotalTokens);
        Assert.False(UsageCheck.Count(usage, Unbounded).Suspect);
    }

    [Fact]
    public void FromPromptTotals_KeepsTheClaimAsReported()
    {
        var usage = TokenUsage.FromPromptTotals(100, 150, 10, -5, 0);

        Assert.Equal(new TokenUsage(-60, 150, 10, -5, 0), usage);
        Assert.Equal(100, usage.PromptTokens);
    }

    [Fact]
    public void FromPromptTotals_Overflow_Saturates()
    {
        var usage = TokenUsage.FromPromptTotals(long.MaxValue, long.MinValue, 0, long.MaxValue, 0);

        Assert.Equal(long.MaxValue, usage.InputUncached);
        Assert.True(UsageCheck.Count(usage, Unbounded).Suspect);
    }

    [Fact]
    public void Count_CacheReadAbovePrompt_ClampsToPromptAndIsSuspect()
    {
        var result = Checked(100, 150, 10, 5, 0);

        Assert.Equal(new TokenUsage(0, 100, 0, 5, 0), result.Counted);
        Assert.True(result.Suspect);
    }

    [Fact]
    public void Count_CacheWriteAboveRemainder_ClampsToRemainder()
    {
        Assert.Equal(new TokenUsage(0, 60, 40, 5, 0), Checked(100, 60, 70, 5, 0).Counted);
    }

    [Fact]
    public void Count_ReasoningAboveOutput_ClampsToOutput()
    {
        Assert.Equal(new TokenUsage(10, 0, 0, 5, 5), Checked(10, 0, 0, 5, 9).Counted);
    }

    [Fact]
    public void Count_NegativeInputs_BecomeZero()
    {
        var result = Checked(-5, -3, -3, -1, -2);

        Assert.Equal(new TokenUsage(0, 0, 0, 0, 0), result.Counted);
        Assert.True(result.Suspect);
    }

    [Fact]
    public void Count_NegativePromptWithCache_NeverGoesNegative()
    {
        Assert.Equal(new TokenUsage(0, 0, 0, 3, 1), Checked(-10, 5, 5, 3, 1).Counted);
    }

    [Fact]
    public void Count_AboveCeiling_IsCountedAtTheCeilingAndSuspect()
    {
        var claimed = TokenUsage.FromPromptTotals(500, 100, 0, 2_000_000, 0);

        var result = UsageCheck.Count(claimed, new TokenCeiling(300, 66));

        Assert.True(result.Suspect);
        Assert.Equal(new TokenUsage(200, 100, 0, 66, 0), result.Counted);
        Assert.Equal(claimed, result.Claimed);
    }

    [Fact]
    public void Count_WithinCeiling_IsTakenAsIs()
    {
        var claimed = TokenUsage.FromPromptTotals(300, 100, 0, 66, 10);

        var result = UsageCheck.Count(claimed, new TokenCeiling(300, 66));

        Assert.False(result.Suspect);
        Assert.Equal(claimed, result.Counted);
    }

    [Fact]
    public void Count_RandomValues_BucketsNonNegativeSumToClampedPromptAndStayUnderCeiling()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 5_000; i++)
        {
            var prompt = random.NextInt64(-1_000, 2_000_000);
            var read = random.NextInt64(-1_000, 2_000_000);
            var write = random.NextInt64(-1_000, 2_000_000);
            var output = random.NextInt64(-1_000, 200_000);
            var reasoning = random.NextInt64(-1_000, 200_000);
            var ceiling = new TokenCeiling(random.NextInt64(0, 3_000_000), random.NextInt64(0, 300_000));

            var usage = UsageCheck.Count(TokenUsage.FromPromptTotals(prompt, read, write, output, reasoning), ceiling).Counted;

            Assert.True(usage.InputUncached >= 0 && usage.CacheRead >= 0 && usage.CacheWrite >= 0, $"negative bucket: {usage}");
            Assert.InRange(usage.Reasoning, 0L, usage.Output);
            Assert.Equal(Math.Clamp(prompt, 0, ceiling.PromptTokens), usage.PromptTokens);
            Assert.Equal(Math.Clamp(output, 0, ceiling.OutputTokens), usage.Output);
        }
    }
}
