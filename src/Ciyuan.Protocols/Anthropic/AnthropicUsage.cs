using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic usage: <c>input_tokens</c> excludes both cache buckets, which it reports beside it.</summary>
internal static class AnthropicUsage
{
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteNumber("input_tokens", usage.InputUncached);
        writer.WriteNumber("cache_creation_input_tokens", usage.CacheWrite);
        writer.WriteNumber("cache_read_input_tokens", usage.CacheRead);
        writer.WriteNumber("output_tokens", usage.Output);
    }

    public static TokenUsage Read(JsonElement usage, TokenUsage? previous = null)
    {
        var start = previous ?? default;
        return new TokenUsage(
            Long(usage, "input_tokens") ?? start.InputUncached,
            Long(usage, "cache_read_input_tokens") ?? start.CacheRead,
            Long(usage, "cache_creation_input_tokens") ?? start.CacheWrite,
            Long(usage, "output_tokens") ?? start.Output,
            start.Reasoning);
    }

    /// <summary>A count as claimed (not clamped: the usage check flags what is negative or too large); null when absent.</summary>
    private static long? Long(JsonElement usage, string name)
    {
        if (usage.ValueKind != JsonValueKind.Object || !usage.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var number))
        {
            return number;
        }

        return value.TryGetDouble(out var large) && large >= long.MaxValue ? long.MaxValue : long.MinValue;
    }
}
