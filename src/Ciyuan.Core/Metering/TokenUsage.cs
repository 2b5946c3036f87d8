
namespace Ciyuan.Core.Metering;

/// <summary>
/// Tokens of one request, in disjoint buckets so that no token is counted twice:
/// prompt = <see cref="InputUncached"/> + <see cref="CacheRead"/> + <see cref="CacheWrite"/>;
/// <see cref="Reasoning"/> is the part of <see cref="Output"/> spent thinking (already inside it).
/// Usage as an upstream claimed it may hold anything (negative, huge); <see cref="UsageCheck"/>
/// decides what is billed.
/// </summary>
public readonly record struct TokenUsage(long InputUncached, long CacheRead, long CacheWrite, long Output, long Reasoning)
{
    public long PromptTokens => Saturating.Add(Saturating.Add(InputUncached, CacheRead), CacheWrite);

    public long TotalTokens => Saturating.Add(PromptTokens, Output);

    /// <summary>
    /// Builds the buckets from OpenAI-style totals as reported: the uncached part is the prompt minus
    /// both cache buckets, which goes negative when a vendor reports more cached than prompt tokens —
    /// <see cref="UsageCheck"/> flags that.
    /// </summary>
    public static TokenUsage FromPromptTotals(long promptTokens, long cacheRead, long cacheWrite, long output, long reasoning) =>
        new(Saturating.Subtract(Saturating.Subtract(promptTokens, cacheRead), cacheWrite), cacheRead, cacheWrite, output, reasoning);
}
