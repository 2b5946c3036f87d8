using System.Text.Json.Nodes;

namespace Ciyuan.Providers.Profiles;

/// <summary>Puts usage where OpenAI clients read it: top level, cached tokens in <c>prompt_tokens_details</c>.</summary>
internal static class UsageRewriter
{
    /// <summary>Moonshot streams carry usage in <c>choices[i].usage</c>; SDKs only read <c>chunk.usage</c>.</summary>
    public static bool HoistFromChoice(JsonObject root, JsonObject choice)
    {
        var index = choice.IndexOf("usage");
        if (index < 0 || choice[index] is not JsonObject usage || root["usage"] is JsonObject)
        {
            return false;
        }

        choice.RemoveAt(index);
        root["usage"] = usage;
        return true;
    }

    /// <summary>
    /// Copies a vendor's cached-token count (DeepSeek <c>prompt_cache_hit_tokens</c>, Moonshot top-level
    /// <c>cached_tokens</c>) into <c>prompt_tokens_details.cached_tokens</c>; the vendor field stays too.
    /// </summary>
    public static bool AddCachedTokens(JsonObject? usage, string field)
    {
        if (usage?[field] is not JsonValue hit || !hit.TryGetValue<long>(out var cached))
        {
            return false;
        }

        if (usage["prompt_tokens_details"] is JsonObject details)
        {
            if (details.ContainsKey("cached_tokens"))
            {
                return false;
            }

            details["cached_tokens"] = cached;
            return true;
        }

        usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        return true;
    }
}
