using Ciyuan.Core.Budgets;

namespace Ciyuan.Core.Metering;

/// <summary>
/// What a request is billed for when an upstream reports its usage: the vendor's claim is not
/// taken as is. A negative, overflowing or malformed bucket, or a prompt or output larger than the
/// request's <see cref="TokenCeiling"/>, makes the usage suspect; it is then counted within the
/// ceiling (so a budget never settles more than it held) and the claim is kept beside it.
/// </summary>
public static class UsageCheck
{
    public static CheckedUsage Count(TokenUsage claimed, TokenCeiling ceiling)
    {
        var suspect = claimed.InputUncached < 0 || claimed.CacheRead < 0 || claimed.CacheWrite < 0
            || claimed.Output < 0 || claimed.Reasoning < 0 || claimed.Reasoning > claimed.Output
            || claimed.PromptTokens > ceiling.PromptTokens || claimed.Output > ceiling.OutputTokens;
        if (!suspect)
        {
            return new CheckedUsage(claimed, false, claimed);
        }

        // The prompt total is trusted over its split (a vendor reporting more cached tokens than
        // prompt tokens is believed on the total), within the ceiling; the cache buckets fit inside it.
        var prompt = Math.Clamp(claimed.PromptTokens, 0, ceiling.PromptTokens);
        var cacheRead = Math.Clamp(claimed.CacheRead, 0, prompt);
        var cacheWrite = Math.Clamp(claimed.CacheWrite, 0, prompt - cacheRead);
        var output = Math.Clamp(claimed.Output, 0, ceiling.OutputTokens);
        var reasoning = Math.Clamp(claimed.Reasoning, 0, output);
        return new CheckedUsage(new TokenUsage(prompt - cacheRead - cacheWrite, cacheRead, cacheWrite, output, reasoning), true, claimed);
    }

    /// <summary>Counts an estimate (no vendor claim): kept within the ceiling, never flagged.</summary>
    public static TokenUsage Bound(TokenUsage estimate, TokenCeiling ceiling) =>
        Count(estimate, ceiling).Counted;
}

/// <summary>The usage a request is billed for, whether the claim was suspect, and what the upstream claimed.</summary>
public readonly record struct CheckedUsage(TokenUsage Counted, bool Suspect, TokenUsage Claimed);
