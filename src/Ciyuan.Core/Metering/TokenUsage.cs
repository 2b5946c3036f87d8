namespace Ciyuan.Core.Metering;

/// <summary>
/// Tokens of one request, in disjoint buckets so that no token is counted twice:
/// prompt = <see cref="InputUncached"/> + <see cref="CacheRead"/> + <see cref="CacheWrite"/>;
/// <see cref="Reasoning"/> is the part of <see cref="Output"/> spent thinking (already inside it).
/// </summary>
public readonly record struct TokenUsage(long InputUncached, long CacheRead, long CacheWrite, long Output, long Reasoning)
{
    public long PromptTokens => InputUncached + CacheRead + CacheWrite;

    public long TotalTokens => PromptTokens + Output;

    /// <summary>Builds the buckets from OpenAI-style totals, clamping so no bucket goes negative.</summary>
    public static TokenUsage FromPromptTotals(long promptTokens, long cacheRead, long cacheWrite, long output, long reasoning)
    {
        promptTokens = Math.Max(0, promptTokens);
        cacheRead = Math.Clamp(cacheRead, 0, promptTokens);
        cacheWrite = Math.Clamp(cacheWrite, 0, promptTokens - cacheRead);
        output = Math.Max(0, output);
        reasoning = Math.Clamp(reasoning, 0, output);
        return new TokenUsage(promptTokens - cacheRead - cacheWrite, cacheRead, cacheWrite, output, reasoning);
    }
}
