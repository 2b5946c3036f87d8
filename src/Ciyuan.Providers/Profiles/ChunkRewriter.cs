using System.Text.Json.Nodes;

namespace Ciyuan.Providers.Profiles;

/// <summary>Applies every response rule of a profile to one parsed completion body or stream chunk.</summary>
internal static class ChunkRewriter
{
    /// <param name="splitterFor">The think-tag state of choice <c>index</c>, or null when think tags are not split.</param>
    public static bool Rewrite(JsonObject root, ProviderProfile profile, Func<int, ThinkTagSplitter?> splitterFor, bool stream)
    {
        if (root["choices"] is not JsonArray choices)
        {
            return false;
        }

        var changed = false;
        for (var i = 0; i < choices.Count; i++)
        {
            if (choices[i] is not JsonObject choice)
            {
                continue;
            }

            var index = choice["index"] is JsonValue indexValue && indexValue.TryGetValue<int>(out var n) ? n : i;
            var finish = choice["finish_reason"] is JsonValue finishValue && finishValue.TryGetValue<string>(out var reason) ? reason : null;
            if (choice[stream ? "delta" : "message"] is JsonObject message)
            {
                changed |= RewriteMessage(message, profile, splitterFor(index), final: !stream || finish is not null);
            }

            if (finish is not null && profile.FinishReasonMap.TryGetValue(finish, out var mapped))
            {
                choice["finish_reason"] = mapped;
                changed = true;
            }

            if (profile.UsageInChoice)
            {
                changed |= UsageRewriter.HoistFromChoice(root, choice);
            }

            if (profile.CachedTokensField is { } field)
            {
                changed |= UsageRewriter.AddCachedTokens(choice["usage"] as JsonObject, field);
            }
        }

        if (profile.CachedTokensField is { } cachedField)
        {
            changed |= UsageRewriter.AddCachedTokens(root["usage"] as JsonObject, cachedField);
        }

        return changed;
    }

    private static bool RewriteMessage(JsonObject message, ProviderProfile profile, ThinkTagSplitter? splitter, bool final)
    {
        var changed = MessageRewriter.RenameReasoning(message);
        if (profile.ReasoningField is ReasoningFields.ReasoningDetails or ReasoningFields.ThinkTags)
        {
            changed |= MessageRewriter.FlattenDetails(message);
        }

        if (splitter is not null)
        {
            changed |= MessageRewriter.SplitThinkTags(message, splitter, final);
        }

        return changed;
    }
}
