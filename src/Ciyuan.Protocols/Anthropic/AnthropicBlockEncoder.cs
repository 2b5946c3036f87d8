using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Canonical parts → Anthropic content blocks, shared by requests and responses.</summary>
internal static class AnthropicBlockEncoder
{
    /// <summary>
    /// Writes one block; returns false when the part is dropped. In requests, thinking without a
    /// signature is dropped because Anthropic rejects unsigned thinking (it came from another
    /// vendor's model and means nothing to Claude); in responses it is written with an empty one.
    /// </summary>
    public static bool Write(Utf8JsonWriter writer, ContentPart part, string path, bool isRequest)
    {
        switch (part)
        {
            case TextPart text:
                writer.WriteStartObject();
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                WriteCacheControl(writer, text.CacheControl);
                writer.WriteEndObject();
                return true;
            case ImagePart image:
                WriteImage(writer, image, path);
                return true;
            case DocumentPart document:
                WriteDocument(writer, document, path);
                return true;
            case ReasoningPart reasoning:
                return WriteReasoning(writer, reasoning, isRequest);
            case ToolCallPart call:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", call.Id);
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("input");
                ToolArguments.WriteAsObject(writer, call.ArgumentsJson);
                writer.WriteEndObject();
                return true;
            case ToolResultPart result:
                WriteToolResult(writer, result.ToolCallId, result.Content, result.IsError, path);
                return true;
            default:
                throw new TranslationException(path, $"{part.GetType().Name} cannot be expressed in the Anthropic dialect");
        }
    }

    public static void WriteToolResult(Utf8JsonWriter writer, string toolCallId, IReadOnlyList<ContentPart> content, bool isError, string path)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_result");
        writer.WriteString("tool_use_id", toolCallId);
        if (content is [TextPart { CacheControl: null } only])
        {
            writer.WriteString("content", only.Text);
        }
        else if (content.Count > 0)
        {
            writer.WriteStartArray("content");
            for (var i = 0; i < content.Count; i++)
            {
                if (content[i] is not (TextPart or ImagePart or DocumentPart))
                {
                    throw new TranslationException($"{path}.content[{i}]", "tool results may only contain text, image and document blocks");
                }

                Write(writer, content[i], $"{path}.content[{i}]", isRequest: true);
            }

            writer.WriteEndArray();
        }

        if (isError)
        {
            writer.WriteBoolean("is_error", true);
        }

        writer.WriteEndObject();
    }

    private static bool WriteReasoning(Utf8JsonWriter writer, ReasoningPart reasoning, bool isRequest)
    {
        if (reasoning.RedactedData is { } data)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "redacted_thinking");
            writer.WriteString("data", data);
            writer.WriteEndObject();
            return true;
        }

        if (isRequest && string.IsNullOrEmpty(reasoning.Signature))
        {
            return false;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "thinking");
        writer.WriteString("thinking", reasoning.Text);
        writer.WriteString("signature", reasoning.Signature ?? "");
        writer.WriteEndObject();
        return true;
    }

    private static void WriteImage(Utf8JsonWriter writer, ImagePart image, string path)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "image");
        writer.WriteStartObject("source");
        if (image.Base64Data is { } data)
        {
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", image.MediaType ?? throw new TranslationException(path, "an inline image needs a media type"));
            writer.WriteString("data", data);
        }
        else
        {
            writer.WriteString("type", "url");
            writer.WriteString("url", image.Url ?? throw new TranslationException(path, "an image needs a URL or inline data"));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteDocument(Utf8JsonWriter writer, DocumentPart document, string path)
    {
        if (document.FileId is not null)
        {
            throw new TranslationException(path, "file references (file_id) cannot be sent to an Anthropic upstream");
        }

        writer.WriteStartObject();
        writer.WriteString("type", "document");
        writer.WriteStartObject("source");
        if (document.Base64Data is { } data)
        {
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", document.MediaType ?? "application/pdf");
            writer.WriteString("data", data);
        }
        else if (document.Text is { } text)
        {
            writer.WriteString("type", "text");
            writer.WriteString("media_type", document.MediaType ?? "text/plain");
            writer.WriteString("data", text);
        }
        else
        {
            writer.WriteString("type", "url");
            writer.WriteString("url", document.Url ?? throw new TranslationException(path, "a document needs data, text or a URL"));
        }

        writer.WriteEndObject();
        if (document.Title is { } title)
        {
            writer.WriteString("title", title);
        }

        WriteCacheControl(writer, document.CacheControl);
        writer.WriteEndObject();
    }

    public static void WriteCacheControl(Utf8JsonWriter writer, JsonElement? cacheControl)
    {
        if (cacheControl is { } value)
        {
            writer.WritePropertyName("cache_control");
            value.WriteTo(writer);
        }
    }
}
