using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Responses usage: <c>input_tokens</c> is the whole prompt, cached tokens included
/// (<c>input_tokens_details.cached_tokens</c>); <c>output_tokens</c> includes reasoning
/// (<c>output_tokens_details.reasoning_tokens</c>). Codex refuses a completion without the details.
/// </summary>
public static class ResponsesUsage
{
    public static void Write(Utf8JsonWriter json, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", usage.PromptTokens);
        json.WriteStartObject("input_tokens_details");
        json.WriteNumber("cached_tokens", usage.CacheRead);
        json.WriteEndObject();
        json.WriteNumber("output_tokens", usage.Output);
        json.WriteStartObject("output_tokens_details");
        json.WriteNumber("reasoning_tokens", usage.Reasoning);
        json.WriteEndObject();
        json.WriteNumber("total_tokens", usage.TotalTokens);
        json.WriteEndObject();
    }

    /// <summary>Reads a <c>usage</c> object; false when it is missing or not Responses' shape.</summary>
    public static bool TryRead(JsonElement usage, out TokenUsage tokens)
    {
        tokens = default;
        if (usage.ValueKind != JsonValueKind.Object
            || !usage.TryGetProperty("input_tokens", out var input) || !input.TryGetInt64(out var prompt)
            || !usage.TryGetProperty("output_tokens", out var outputElement) || !outputElement.TryGetInt64(out var output))
        {
            return false;
        }

        var cached = usage.TryGetProperty("input_tokens_details", out var inputDetails) && inputDetails.ValueKind == JsonValueKind.Object
            && inputDetails.TryGetProperty("cached_tokens", out var c) && c.TryGetInt64(out var cachedTokens) ? cachedTokens : 0;
        var reasoning = usage.TryGetProperty("output_tokens_details", out var outputDetails) && outputDetails.ValueKind == JsonValueKind.Object
            && outputDetails.TryGetProperty("reasoning_tokens", out var r) && r.TryGetInt64(out var reasoningTokens) ? reasoningTokens : 0;
        tokens = TokenUsage.FromPromptTotals(prompt, cached, 0, output, reasoning);
        return true;
    }
}
