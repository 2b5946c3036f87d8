using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>OpenAI <c>messages</c> → canonical messages, and assistant messages for responses.</summary>
internal static class OpenAIMessageDecoder
{
    /// <summary>OpenAI has no error flag on tool results; the OpenAI encoder writes this prefix instead.</summary>
    public const string ErrorPrefix = "Error: ";

    public static List<ChatMessage> DecodeMessages(JsonElement array)
    {
        var messages = new List<ChatMessage>(array.GetArrayLength());
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var path = $"messages[{index}]";
            JsonRead.RequireObject(message, path);
            var role = JsonRead.RequiredString(message, "role", path);
            var name = JsonRead.OptionalString(message, "name", path);
            var decoded = role switch
            {
                "system" or "developer" => new ChatMessage(ChatRole.System, DecodeTextOnly(message, path)),
                "user" => new ChatMessage(ChatRole.User, DecodeUserContent(message, path)),
                "assistant" => new ChatMessage(ChatRole.Assistant, DecodeAssistant(message, path)),
                "tool" => DecodeTool(message, path),
                _ => throw new TranslationException(JsonRead.Path(path, "role"), $"unsupported role \"{role}\""),
            };
            messages.Add(decoded with { Name = name, SourceIndex = index });
            index++;
        }

        return messages;
    }

    /// <summary>
    /// An assistant message in canonical order: reasoning, text, tool calls. Reasoning comes from
    /// <c>reasoning_details</c> when present (it carries signatures), else <c>reasoning_content</c>
    /// or <c>reasoning</c>.
    /// </summary>
    public static List<ContentPart> DecodeAssistant(JsonElement message, string path)
    {
        var parts = new List<ContentPart>();
        if (JsonRead.OptionalArray(message, "reasoning_details", path) is { } details)
        {
            OpenAIReasoningDetails.Decode(details, JsonRead.Path(path, "reasoning_details"), parts);
        }

        if (parts.Count == 0 && (JsonRead.OptionalString(message, "reasoning_content", path) ?? JsonRead.OptionalString(message, "reasoning", path)) is { Length: > 0 } reasoning)
        {
            parts.Add(new ReasoningPart(reasoning));
        }

        if (JsonRead.TryGet(message, "content", out var content))
        {
            var text = content.ValueKind == JsonValueKind.String ? content.GetString()! : JoinTextParts(content, JsonRead.Path(path, "content"), "");
            if (text.Length > 0)
            {
                parts.Add(new TextPart(text));
            }
        }

        if (JsonRead.OptionalArray(message, "tool_calls", path) is { } calls)
        {
            var index = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = $"{path}.tool_calls[{index++}]";
                JsonRead.RequireObject(call, callPath);
                var functionPath = JsonRead.Path(callPath, "function");
                var function = JsonRead.OptionalObject(call, "function", callPath) ?? throw new TranslationException(functionPath, "is required");
                parts.Add(new ToolCallPart(
                    JsonRead.RequiredString(call, "id", callPath),
                    JsonRead.RequiredString(function, "name", functionPath),
                    JsonRead.OptionalString(function, "arguments", functionPath) ?? ""));
            }
        }

        return parts;
    }

    private static ChatMessage DecodeTool(JsonElement message, string path)
    {
        var id = JsonRead.RequiredString(message, "tool_call_id", path);
        var text = JsonRead.TryGet(message, "content", out var content)
            ? content.ValueKind == JsonValueKind.String ? content.GetString()! : JoinTextParts(content, JsonRead.Path(path, "content"), "\n")
            : "";
        var isError = text.StartsWith(ErrorPrefix, StringComparison.Ordinal);
        var result = new ToolResultPart(id, [new TextPart(isError ? text[ErrorPrefix.Length..] : text)], isError);
        return new ChatMessage(ChatRole.Tool, [result]) { ToolCallId = id };
    }

    private static List<ContentPart> DecodeTextOnly(JsonElement message, string path)
    {
        if (!JsonRead.TryGet(message, "content", out var content))
        {
            throw new TranslationException(JsonRead.Path(path, "content"), "is required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(content.GetString()!)];
        }

        var parts = DecodeParts(content, JsonRead.Path(path, "content"));
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] is not TextPart)
            {
                throw new TranslationException($"{path}.content[{i}]", "system messages may only contain text");
            }
        }

        return parts;
    }

    private static List<ContentPart> DecodeUserContent(JsonElement message, string path)
    {
        if (!JsonRead.TryGet(message, "content", out var content))
        {
            throw new TranslationException(JsonRead.Path(path, "content"), "is required");
        }

        return content.ValueKind == JsonValueKind.String
            ? [new TextPart(content.GetString()!)]
            : DecodeParts(content, JsonRead.Path(path, "content"));
    }

    private static List<ContentPart> DecodeParts(JsonElement content, string path)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException(path, "must be a string or an array of content parts");
        }

        var parts = new List<ContentPart>(content.GetArrayLength());
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            parts.Add(DecodePart(part, $"{path}[{index++}]"));
        }

        return parts;
    }

    private static ContentPart DecodePart(JsonElement part, string path)
    {
        JsonRead.RequireObject(part, path);
        var type = JsonRead.RequiredString(part, "type", path);
        switch (type)
        {
            case "text":
                return new TextPart(JsonRead.RequiredString(part, "text", path));
            case "image_url":
                var imagePath = JsonRead.Path(path, "image_url");
                var image = JsonRead.OptionalObject(part, "image_url", path) ?? throw new TranslationException(imagePath, "is required");
                var url = JsonRead.RequiredString(image, "url", imagePath);
                return DataUri.TryParse(url, out var mediaType, out var data) ? new ImagePart(null, mediaType, data) : new ImagePart(url, null, null);
            case "file":
                var filePath = JsonRead.Path(path, "file");
                var file = JsonRead.OptionalObject(part, "file", path) ?? throw new TranslationException(filePath, "is required");
                var title = JsonRead.OptionalString(file, "filename", filePath);
                if (JsonRead.OptionalString(file, "file_id", filePath) is { } fileId)
                {
                    return new DocumentPart(null, null, null, null) { FileId = fileId, Title = title };
                }

                var fileData = JsonRead.RequiredString(file, "file_data", filePath);
                return DataUri.TryParse(fileData, out var fileType, out var fileBase64)
                    ? new DocumentPart(fileType, fileBase64, null, null) { Title = title }
                    : throw new TranslationException(JsonRead.Path(filePath, "file_data"), "must be a base64 data URL");
            default:
                throw new TranslationException(JsonRead.Path(path, "type"), $"unsupported content part type \"{type}\"");
        }
    }

    /// <summary>Assistant and tool content may be an array of text (or refusal) parts; joined as one text.</summary>
    private static string JoinTextParts(JsonElement content, string path, string separator)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException(path, "must be a string or an array of text parts");
        }

        var texts = new List<string>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{index++}]";
            JsonRead.RequireObject(part, partPath);
            var type = JsonRead.RequiredString(part, "type", partPath);
            texts.Add(type switch
            {
                "text" => JsonRead.RequiredString(part, "text", partPath),
                "refusal" => JsonRead.RequiredString(part, "refusal", partPath),
                _ => throw new TranslationException(JsonRead.Path(partPath, "type"), "only text parts are allowed here"),
            });
        }

        return string.Join(separator, texts);
    }
}
