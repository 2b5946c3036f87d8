using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Hosting;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Pipeline;

/// <summary>
/// Prompt tokens for routing's context-fit check. Counting exactly costs a decode and a tokenizer
/// pass, so it is done only when it can change the answer: when the cheap estimate (UTF-8 bytes ÷ 3)
/// comes within a factor of two of the smallest known context window among the model's deployments.
/// Far from every limit the estimate decides nothing and is used as is.
/// </summary>
internal sealed class PromptTokens(GatewayState state, TokenCounter counter)
{
    public long For(ModelAliasConfig alias, OpenAIRequestFacts facts, ReadOnlySpan<byte> body, Func<byte[], ChatRequest> decode)
    {
        var estimate = PromptAffinity.EstimatedPromptTokens(facts);
        long? smallest = null;
        foreach (var deployment in alias.Deployments)
        {
            if ((deployment.ContextWindow ?? state.CatalogModels.GetValueOrDefault(deployment.Id)?.ContextWindow) is { } window && (smallest is null || window < smallest))
            {
                smallest = window;
            }
        }

        if (smallest is null || (estimate * 2) + (facts.MaxTokens ?? 0) < smallest)
        {
            return estimate;
        }

        try
        {
            return TokenCounter.CountChat(counter.For(alias), decode(body.ToArray()));
        }
        catch (TranslationException)
        {
            // A body the codec cannot read is refused later with its own error; routing keeps the estimate.
            return estimate;
        }
    }
}
