using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Anthropic SSE events → canonical events. Tool calls are renumbered by ordinal (Anthropic
/// indices count every block). Usage from <c>message_start</c> (input side) is merged with the
/// cumulative <c>message_delta</c> usage. One instance per upstream response.
/// </summary>
public sealed class AnthropicStreamDecoder
{
    private readonly Dictionary<int, int> _toolOrdinals = [];
    private TokenUsage? _usage;

    /// <summary>
    /// Decodes one SSE record. <paramref name="eventName"/> may be null (the data's <c>type</c> is
    /// used). Data that is not JSON becomes a <see cref="StreamError"/>: the stream cannot be trusted after it.
    /// </summary>
    public void Decode(string? eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        try
        {
            DecodeCore(eventName, data, output);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Text that is not Unicode (an unpaired surrogate escape) or a number out of range: the
            // stream cannot be trusted after it.
            output.Add(new StreamError("api_error", "the upstream sent an event with text or numbers that cannot be read"));
        }
    }

    private void DecodeCore(string? eventName, ReadOnlySpan<byte> data, List<StreamEvent> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        JsonElement root;
        try
        {
            root = JsonRead.ParseRoot(data);
        }
        catch (TranslationException)
        {
            output.Add(new StreamError("api_error", "the upstream sent an event that is not a JSON object"));
            return;
        }

        var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
            ? typeElement.GetString()
            : eventName;
        switch (type)
        {
            case AnthropicEvents.MessageStart:
                MessageStart(root, output);
                break;
            case AnthropicEvents.ContentBlockStart:
                BlockStart(root, output);
                break;
            case AnthropicEvents.ContentBlockDelta:
                BlockDelta(root, output);
                break;
            case AnthropicEvents.MessageDelta:
                MessageDelta(root, output);
                break;
            case AnthropicEvents.Ping:
                output.Add(KeepAlive.Instance);
                break;
            case AnthropicEvents.Error:
                var error = root.TryGetProperty("error", out var e) ? e : root;
                output.Add(new StreamError(String(error, "type") ?? "api_error", String(error, "message") ?? "upstream error"));
                break;
            default:
                // content_block_stop, message_stop and future event types carry nothing to relay.
                break;
        }
    }

    private void MessageStart(JsonElement root, List<StreamEvent> output)
    {
        var message = root.TryGetProperty("message", out var m) ? m : default;
        if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("usage", out var usage))
        {
            _usage = AnthropicUsage.Read(usage);
        }

        output.Add(new ResponseStarted(String(message, "id") ?? "", String(message, "model") ?? "", _usage));
    }

    private void BlockStart(JsonElement root, List<StreamEvent> output)
    {
        if (!root.TryGetProperty("content_block", out var block) || block.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var index = Int(root, "index");
        switch (String(block, "type"))
        {
            case "text" when String(block, "text") is { Length: > 0 } text:
                output.Add(new TextDelta(text));
                break;
            case "thinking":
                if (String(block, "thinking") is { Length: > 0 } thinking)
                {
                    output.Add(new ReasoningDelta(thinking));
                }

                if (String(block, "signature") is { Length: > 0 } signature)
                {
                    output.Add(new ReasoningSignature(signature));
                }

                break;
            case "redacted_thinking":
                output.Add(new RedactedReasoning(String(block, "data") ?? ""));
                break;
            case "tool_use":
                var ordinal = _toolOrdinals.Count;
                _toolOrdinals[index] = ordinal;
                output.Add(new ToolCallStarted(ordinal, String(block, "id") ?? "", String(block, "name") ?? ""));
                if (block.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object && input.EnumerateObject().Any())
                {
                    output.Add(new ToolCallArgumentsDelta(ordinal, JsonOutput.Compact(input)));
                }

                break;
            default:
                // Server tool blocks (server_tool_use, web_search_tool_result…) have no OpenAI form.
                break;
        }
    }

    private void BlockDelta(JsonElement root, List<StreamEvent> output)
    {
        if (!root.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        switch (String(delta, "type"))
        {
            case "text_delta" when String(delta, "text") is { Length: > 0 } text:
                output.Add(new TextDelta(text));
                break;
            case "thinking_delta" when String(delta, "thinking") is { Length: > 0 } thinking:
                output.Add(new ReasoningDelta(thinking));
                break;
            case "signature_delta" when String(delta, "signature") is { Length: > 0 } signature:
                output.Add(new ReasoningSignature(signature));
                break;
            case "input_json_delta" when String(delta, "partial_json") is { Length: > 0 } json
                && _toolOrdinals.TryGetValue(Int(root, "index"), out var ordinal):
                output.Add(new ToolCallArgumentsDelta(ordinal, json));
                break;
            default:
                break;
        }
    }

    /// <summary>Finish first, then usage: encoders that hold their final event for usage can then flush at once.</summary>
    private void MessageDelta(JsonElement root, List<StreamEvent> output)
    {
        if (root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            var stopReason = String(delta, "stop_reason");
            if (stopReason is not null)
            {
                output.Add(new ResponseFinished(AnthropicStopReasons.ToCanonical(stopReason), stopReason, String(delta, "stop_sequence")));
            }
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = AnthropicUsage.Read(usage, _usage);
            output.Add(new UsageReported(_usage.Value));
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : -1;
}
