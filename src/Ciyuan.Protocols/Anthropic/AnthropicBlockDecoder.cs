using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic content blocks → canonical parts, shared by requests and responses.</summary>
internal static class AnthropicBlockDecoder
{
    public static List<ContentPart> DecodeContent(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(content.GetString()!)];
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException(path, "must be a string or an array of content blocks");
        }

        var parts = new List<ContentPart>(content.GetArrayLength());
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            parts.Add(DecodeBlock(block, $"{path}[{index}]"));
            index++;
        }

        return parts;
    }

    public static ContentPart DecodeBlock(JsonElement block, string path)
    {
        JsonRead.RequireObject(block, path);
        var type = JsonRead.RequiredString(block, "type", path);
        return type switch
        {
            "text" => new TextPart(JsonRead.RequiredString(block, "text", path), CacheControl(block)),
            "image" => DecodeImage(block, path),
            "document" => DecodeDocument(block, path),
            "tool_use" => DecodeToolUse(block, path),
            "tool_result" => DecodeToolResult(block, path),
            "thinking" => new ReasoningPart(JsonRead.RequiredString(block, "thinking", path), JsonRead.OptionalString(block, "signature", path)),
            "redacted_thinking" => new ReasoningPart("", null, JsonRead.RequiredString(block, "data", path)),
            _ => throw new TranslationException(JsonRead.Path(path, "type"), $"unsupported content block type \"{type}\""),
        };
    }

    private static JsonElement? CacheControl(JsonElement block) =>
        JsonRead.TryGet(block, "cache_control", out var value) ? value : null;

    private static ImagePart DecodeImage(JsonElement block, string path)
    {
        var sourcePath = JsonRead.Path(path, "source");
        var source = JsonRead.OptionalObject(block, "source", path) ?? throw new TranslationException(sourcePath, "is required");
        var kind = JsonRead.RequiredString(source, "type", sourcePath);
        return kind switch
        {
            "base64" => new ImagePart(null, JsonRead.RequiredString(source, "media_type", sourcePath), JsonRead.RequiredString(source, "data", sourcePath)),
            "url" => new ImagePart(JsonRead.RequiredString(source, "url", sourcePath), null, null),
            _ => throw new TranslationException(JsonRead.Path(sourcePath, "type"), $"unsupported image source \"{kind}\""),
        };
    }

    private static DocumentPart DecodeDocument(JsonElement block, string path)
    {
        var sourcePath = JsonRead.Path(path, "source");
        var source = JsonRead.OptionalObject(block, "source", path) ?? throw new TranslationException(sourcePath, "is required");
        var kind = JsonRead.RequiredString(source, "type", sourcePath);
        var document = kind switch
        {
            "base64" => new DocumentPart(JsonRead.RequiredString(source, "media_type", sourcePath), JsonRead.RequiredString(source, "data", sourcePath), null, null),
            "url" => new DocumentPart(null, null, JsonRead.RequiredString(source, "url", sourcePath), null),
            "text" => new DocumentPart(JsonRead.OptionalString(source, "media_type", sourcePath) ?? "text/plain", null, null, JsonRead.RequiredString(source, "data", sourcePath)),
            _ => throw new TranslationException(JsonRead.Path(sourcePath, "type"), $"unsupported document source \"{kind}\""),
        };
        return document with { Title = JsonRead.OptionalString(block, "title", path), CacheControl = CacheControl(block) };
    }

    private static ToolCallPart DecodeToolUse(JsonElement block, string path)
    {
        var id = JsonRead.RequiredString(block, "id", path);
        var name = JsonRead.RequiredString(block, "name", path);
        var input = JsonRead.OptionalObject(block, "input", path);
        return new ToolCallPart(id, name, input is { } value ? JsonOutput.Compact(value) : "{}");
    }

    private static ToolResultPart DecodeToolResult(JsonElement block, string path)
    {
        var id = JsonRead.RequiredString(block, "tool_use_id", path);
        var isError = JsonRead.OptionalBool(block, "is_error", path) ?? false;
        List<ContentPart> content = JsonRead.TryGet(block, "content", out var value)
            ? DecodeContent(value, JsonRead.Path(path, "content"))
            : [];
        for (var i = 0; i < content.Count; i++)
        {
            if (content[i] is not (TextPart or ImagePart or DocumentPart))
            {
                throw new TranslationException($"{path}.content[{i}]", "tool results may only contain text, image and document blocks");
            }
        }

        return new ToolResultPart(id, content, isError);
    }
}
