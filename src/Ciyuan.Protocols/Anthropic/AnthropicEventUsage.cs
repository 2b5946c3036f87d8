using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Usage from a passed-through Anthropic stream: <c>message_start</c> carries the input buckets in
/// <c>message.usage</c>, and each <c>message_delta</c> carries the cumulative <c>output_tokens</c>.
/// Only those two events are parsed; every other event is forwarded without being read.
/// </summary>
public static class AnthropicEventUsage
{
    public static bool TryRead(string? eventName, ReadOnlySpan<byte> data, TokenUsage current, out TokenUsage usage)
    {
        usage = current;
        if (eventName is not (AnthropicEvents.MessageStart or AnthropicEvents.MessageDelta))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            var node = eventName == AnthropicEvents.MessageStart
                ? root.TryGetProperty("message", out var message) && message.TryGetProperty("usage", out var startUsage) ? startUsage : default
                : root.TryGetProperty("usage", out var deltaUsage) ? deltaUsage : default;
            if (node.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            usage = AnthropicUsage.Read(node, current);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
