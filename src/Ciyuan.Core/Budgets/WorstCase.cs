using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>
/// The one rule for the most a request may cost. Output: the largest max-token field (or, when
/// none is given, the model's maximum output, else its context window, else
/// <see cref="UnknownModelMaxOutput"/>), plus every thinking budget, times <c>n</c>. Usage claimed
/// above it is counted at it (and flagged), so the hold is never outrun. Prompt: a count the upstream's cannot exceed (computed by
/// the caller), capped at the context window, since no upstream bills a prompt it refused as too
/// long. Priced with the whole prompt in its dearest bucket.
/// </summary>
public static class WorstCase
{
    /// <summary>Output assumed for a model whose maximum nobody knows (a self-hosted server without <c>context_window</c>).</summary>
    public const long UnknownModelMaxOutput = 32_768;

    public static TokenCeiling Ceiling(long promptCeiling, OutputLimits limits, long? modelMaxOutput, long? contextWindow)
    {
        var prompt = contextWindow is { } window ? Math.Min(promptCeiling, window) : promptCeiling;
        return new TokenCeiling(Math.Max(0, prompt), OutputTokens(limits, modelMaxOutput, contextWindow));
    }

    /// <summary>Output tokens an upstream honouring any of the request's fields may generate and bill.</summary>
    public static long OutputTokens(OutputLimits limits, long? modelMaxOutput, long? contextWindow)
    {
        var perChoice = limits.MaxOutput ?? modelMaxOutput ?? contextWindow ?? UnknownModelMaxOutput;
        perChoice += (limits.ThinkingBudget ?? 0) + (limits.ReasoningMaxTokens ?? 0);
        if (contextWindow is { } window)
        {
            // No server generates past its window, whatever the request asked for.
            perChoice = Math.Min(perChoice, window);
        }

        return perChoice * Math.Max(1, limits.Choices);
    }

    /// <summary>
    /// The cost of the ceiling at <paramref name="price"/>: the whole prompt in its dearest bucket
    /// (cost is linear in each bucket, so no split of the prompt between uncached, cache-read and
    /// cache-write tokens costs more than all of it in the dearest one).
    /// </summary>
    public static MicroUnits Cost(TokenCeiling ceiling, IPriceQuote price, DateTimeOffset at)
    {
        var uncached = price.Cost(new TokenUsage(ceiling.PromptTokens, 0, 0, ceiling.OutputTokens, 0), at);
        var written = price.Cost(new TokenUsage(0, 0, ceiling.PromptTokens, ceiling.OutputTokens, 0), at);
        var read = price.Cost(new TokenUsage(0, ceiling.PromptTokens, 0, ceiling.OutputTokens, 0), at);
        var worst = written > uncached ? written : uncached;
        return read > worst ? read : worst;
    }
}
