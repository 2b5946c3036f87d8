using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// OpenAI usage: prompt tokens include both cache buckets (prompt = input + cache read + cache
/// write). Cache writes have no standard field; <c>cache_write_tokens</c> is written only when
/// non-zero, and <see cref="OpenAI.OpenAIResponseScanner"/> reads it back.
/// </summary>
internal static class OpenAIUsage
{
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", usage.PromptTokens);
        writer.WriteNumber("completion_tokens", usage.Output);
        writer.WriteNumber("total_tokens", usage.TotalTokens);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CacheRead);
        if (usage.CacheWrite > 0)
        {
            writer.WriteNumber("cache_write_tokens", usage.CacheWrite);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", usage.Reasoning);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
