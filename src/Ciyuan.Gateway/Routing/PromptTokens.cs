using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.State;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Gateway.Routing;

/// <summary>
/// Prompt tokens for routing's context-fit check. Counting exactly costs a decode and a tokenizer
/// pass, so it is done only when it can change the answer: when the cheap estimate (UTF-8 bytes ÷ 3)
/// comes within a factor of two of the smallest known context window among the model's deployments.
/// Far from every limit the estimate decides nothing and is used as is. A budgeted request also
/// needs <see cref="Ceiling"/>: a count its upstream's cannot exceed.
/// </summary>
internal sealed class PromptTokens(GatewayState state, TokenCounter counter)
{
    public long For(ModelAliasConfig alias, RequestFacts facts, ReadOnlySpan<byte> body, IDoor door)
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

        if (smallest is null || (estimate * 2) + (facts.RequestedMaxOutput ?? 0) < smallest)
        {
            return estimate;
        }

        try
        {
            return TokenCounter.CountChat(counter.For(alias), door.Decode(body));
        }
        catch (TranslationException)
        {
            // A body the codec cannot read is refused later with its own error; routing keeps the estimate.
            return estimate;
        }
    }

    /// <summary>
    /// Prompt tokens the upstream's count cannot exceed, for the budget hold and for checking the
    /// usage the upstream reports. With <paramref name="exact"/> (a budget covers the request) and
    /// one shipped tokenizer family across the alias's deployments: the exact count, with a few
    /// tokens per message for template differences between our render and the vendor's. Otherwise
    /// the body's byte length — no byte-level BPE token covers less than one byte, and the JSON
    /// around the text outweighs any chat template's special tokens. Either way, plus what media
    /// parts may cost (<see cref="MediaAllowance"/>).
    /// </summary>
    public long Ceiling(ModelAliasConfig alias, ReadOnlySpan<byte> body, bool exact, IDoor door)
    {
        var media = MediaAllowance.Of(body);
        if (!exact || SharedExactTokenizer(alias) is not { } tokenizer)
        {
            return body.Length + media;
        }

        try
        {
            var request = door.Decode(body);
            return TokenCounter.CountChat(tokenizer, request) + (4L * request.Messages.Count) + 16 + media;
        }
        catch (TranslationException)
        {
            return body.Length + media;
        }
    }

    /// <summary>The exact tokenizer every deployment of the alias counts with, if they share one.</summary>
    private Tokenizers.ITokenizer? SharedExactTokenizer(ModelAliasConfig alias)
    {
        var first = counter.For(alias.Deployments[0]);
        if (!first.IsExact)
        {
            return null;
        }

        foreach (var deployment in alias.Deployments)
        {
            if (!string.Equals(counter.For(deployment).Family, first.Family, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return first;
    }
}
