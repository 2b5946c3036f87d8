namespace Ciyuan.Core.Budgets;

/// <summary>
/// Every field of a request that bounds how much an upstream may generate, as the front door read
/// it: the largest of the max-token fields (vendors honour different ones), the thinking budgets
/// (some vendors count thinking outside <c>max_tokens</c>), and how many answers are asked for.
/// </summary>
public readonly record struct OutputLimits(long? MaxOutput, long? ThinkingBudget, long? ReasoningMaxTokens, int Choices)
{
    /// <summary>Embeddings and other requests that generate no text.</summary>
    public static OutputLimits None { get; } = new(0, null, null, 1);
}
