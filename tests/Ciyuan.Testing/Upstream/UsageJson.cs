using System.Text.Json.Nodes;

namespace Ciyuan.Testing.Upstream;

/// <summary>The usage object of a <see cref="Reply"/>, in the OpenAI shape or Moonshot's top-level <c>cached_tokens</c>.</summary>
internal static class UsageJson
{
    public static JsonObject For(Reply reply, bool moonshotStyle)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = reply.PromptTokens,
            ["completion_tokens"] = reply.CompletionTokens,
            ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
        };
        if (moonshotStyle)
        {
            usage["cached_tokens"] = reply.CachedTokens;
        }
        else
        {
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = reply.CachedTokens };
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reply.ReasoningTokens };
        }

        return usage;
    }
}
