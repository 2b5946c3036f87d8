using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// The <c>reasoning_details</c> array (OpenRouter's shape, also MiniMax): the one OpenAI-dialect
/// place where a thinking signature or redacted thinking can ride along, so an OpenAI client that
/// replays it lets the gateway hand Anthropic its signed thinking back unchanged.
/// </summary>
internal static class OpenAIReasoningDetails
{
    public const string AnthropicFormat = "anthropic-claude-v1";

    public static void Decode(JsonElement details, string path, List<ContentPart> parts)
    {
        var index = 0;
        foreach (var detail in details.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            JsonRead.RequireObject(detail, itemPath);
            switch (JsonRead.OptionalString(detail, "type", itemPath))
            {
                case "reasoning.encrypted":
                    parts.Add(new ReasoningPart("", null, JsonRead.RequiredString(detail, "data", itemPath)));
                    break;
                case "reasoning.summary":
                    parts.Add(new ReasoningPart(JsonRead.OptionalString(detail, "summary", itemPath) ?? ""));
                    break;
                default:
                    parts.Add(new ReasoningPart(JsonRead.OptionalString(detail, "text", itemPath) ?? "", JsonRead.OptionalString(detail, "signature", itemPath)));
                    break;
            }
        }
    }

    /// <summary>True when a plain reasoning text field would lose something (a signature or redacted data).</summary>
    public static bool Needed(IEnumerable<ContentPart> parts) =>
        parts.Any(static part => part is ReasoningPart { Signature: { Length: > 0 } } or ReasoningPart { RedactedData: not null });

    public static void Write(Utf8JsonWriter writer, IEnumerable<ContentPart> parts)
    {
        writer.WriteStartArray("reasoning_details");
        var index = 0;
        foreach (var part in parts)
        {
            if (part is not ReasoningPart reasoning)
            {
                continue;
            }

            writer.WriteStartObject();
            if (reasoning.RedactedData is { } data)
            {
                writer.WriteString("type", "reasoning.encrypted");
                writer.WriteString("data", data);
            }
            else
            {
                writer.WriteString("type", "reasoning.text");
                writer.WriteString("text", reasoning.Text);
                if (reasoning.Signature is { } signature)
                {
                    writer.WriteString("signature", signature);
                }
            }

            writer.WriteString("format", AnthropicFormat);
            writer.WriteNumber("index", index++);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
