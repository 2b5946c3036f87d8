using Ciyuan.Core.Metering;

namespace Ciyuan.Tests.Core.Metering;

public sealed class TokenUsageTests
{
    [Fact]
    public void FromPromptTotals_ConsistentTotals_SplitsIntoDisjointBuckets()
    {
        var usage = TokenUsage.FromPromptTotals(promptTokens: 100, cacheRead: 30, cacheWrite: 20, output: 50, reasoning: 10);

        Assert.Equal(new TokenUsage(50, 30, 20, 50, 10), usage);
        Assert.Equal(100, usage.PromptTokens);
        Assert.Equal(150, usage.TotalTokens);
    }

    [Fact]
    public void FromPromptTotals_CacheReadAbovePrompt_ClampsToPrompt()
    {
        var usage = TokenUsage.FromPromptTotals(100, 150, 10, 5, 0);

        Assert.Equal(new TokenUsage(0, 100, 0, 5, 0), usage);
    }

    [Fact]
    public void FromPromptTotals_CacheWriteAboveRemainder_ClampsToRemainder()
    {
        var usage = TokenUsage.FromPromptTotals(100, 60, 70, 5, 0);

        Assert.Equal(new TokenUsage(0, 60, 40, 5, 0), usage);
    }

    [Fact]
    public void FromPromptTotals_ReasoningAboveOutput_ClampsToOutput()
    {
        var usage = TokenUsage.FromPromptTotals(10, 0, 0, 5, 9);

        Assert.Equal(new TokenUsage(10, 0, 0, 5, 5), usage);
    }

    [Fact]
    public void FromPromptTotals_NegativeInputs_BecomeZero()
    {
        var usage = TokenUsage.FromPromptTotals(-5, -3, -3, -1, -2);

        Assert.Equal(new TokenUsage(0, 0, 0, 0, 0), usage);
    }

    [Fact]
    public void FromPromptTotals_NegativePromptWithCache_NeverGoesNegative()
    {
        var usage = TokenUsage.FromPromptTotals(-10, 5, 5, 3, 1);

        Assert.Equal(new TokenUsage(0, 0, 0, 3, 1), usage);
    }

    [Fact]
    public void FromPromptTotals_RandomValues_BucketsNonNegativeAndSumToClampedPrompt()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 5_000; i++)
        {
            var prompt = random.NextInt64(-1_000, 2_000_000);
            var read = random.NextInt64(-1_000, 2_000_000);
            var write = random.NextInt64(-1_000, 2_000_000);
            var output = random.NextInt64(-1_000, 200_000);
            var reasoning = random.NextInt64(-1_000, 200_000);

            var usage = TokenUsage.FromPromptTotals(prompt, read, write, output, reasoning);

            Assert.True(usage.InputUncached >= 0 && usage.CacheRead >= 0 && usage.CacheWrite >= 0, $"negative bucket: {usage}");
            Assert.InRange(usage.Reasoning, 0L, usage.Output);
            Assert.Equal(Math.Max(0, prompt), usage.PromptTokens);
            Assert.Equal(Math.Max(0, output), usage.Output);
        }
    }
}
