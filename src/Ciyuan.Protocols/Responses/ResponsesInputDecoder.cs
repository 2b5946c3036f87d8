using System.Text;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// A Responses <c>input</c> (a string, or items) → canonical messages (docs/dialects.md, "Responses →
/// canonical"). Consecutive model-side items — reasoning, an assistant message, function and custom
/// tool calls — make one assistant turn; each call output is a tool message of its own. A call
/// output must answer a call made earlier in the conversation, and items of hosted tools cannot be
/// translated: both are refused naming the item.
/// </summary>
internal static class ResponsesInputDecoder
{
    public static List<ChatMessage> Decode(JsonElement input)
    {
        var messages = new List<ChatMessage>();
        if (input.ValueKind == JsonValueKind.String)
        {
            messages.Add(new ChatMessage(ChatRole.User, [new TextPart(JsonRead.Text(input, "input"))]) { SourceIndex = 0 });
            return messages;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException("input", "must be a string or an array of items");
        }

        var calls = new HashSet<string>(StringComparer.Ordinal);
        List<ContentPart>? assistant = null;
        var assistantIndex = 0;
        void FlushAssistant()
        {
            if (assistant is { Count: > 0 })
            {
                messages.Add(new ChatMessage(ChatRole.Assistant, Ordered(assistant)) { SourceIndex = assistantIndex });
            }

            assistant = null;
        }

        List<ContentPart> Assistant(int index)
        {
            if (assistant is null)
            {
                assistant = [];
                assistantIndex = index;
            }

            return assistant;
        }

        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{i}]";
            JsonRead.RequireObject(item, path);
            var type = JsonRead.OptionalString(item, "type", path) ?? (JsonRead.TryGet(item, "role", out _) ? ResponsesItemTypes.Message : null)
                ?? throw new TranslationException(JsonRead.Path(path, "type"), "is required");
            switch (type)
            {
                case ResponsesItemTypes.Message:
                    var role = JsonRead.RequiredString(item, "role", path);
                    if (role == "assistant")
                    {
                        Assistant(i).AddRange(AssistantContent(item, path));
                        break;
                    }

                    FlushAssistant();
                    messages.Add(new ChatMessage(UserSideRole(role, path), UserContent(item, path)) { SourceIndex = i });
                    break;
                case ResponsesItemTypes.Reasoning:
                    if (Reasoning(item, path) is { } reasoning)
                    {
                        Assistant(i).Add(reasoning);
                    }

                    break;
                case ResponsesItemTypes.FunctionCall:
                {
                    var id = JsonRead.RequiredString(item, "call_id", path);
                    var name = ResponsesToolNames.Join(JsonRead.OptionalString(item, "namespace", path), JsonRead.RequiredString(item, "name", path));
                    Assistant(i).Add(new ToolCallPart(id, name, JsonRead.OptionalString(item, "arguments", path) ?? "{}"));
                    calls.Add(id);
                    break;
                }

                case ResponsesItemTypes.CustomToolCall:
                {
                    var id = JsonRead.RequiredString(item, "call_id", path);
                    var name = ResponsesToolNames.Join(JsonRead.OptionalString(item, "namespace", path), JsonRead.RequiredString(item, "name", path));
                    var text = JsonRead.OptionalString(item, "input", path) ?? "";
                    Assistant(i).Add(new ToolCallPart(id, name, FreeformInput.ToArguments(text)));
                    calls.Add(id);
                    break;
                }

                case ResponsesItemTypes.FunctionCallOutput or ResponsesItemTypes.CustomToolCallOutput:
                {
                    FlushAssistant();
                    var id = JsonRead.RequiredString(item, "call_id", path);
                    if (!calls.Contains(id))
                    {
                        throw new TranslationException(JsonRead.Path(path, "call_id"),
                            $"no function_call or custom_tool_call with call_id '{id}' comes before this output in the conversation");
                    }

                    var content = Output(item, path);
                    messages.Add(new ChatMessage(ChatRole.Tool, [new ToolResultPart(id, content, IsError: false)]) { ToolCallId = id, SourceIndex = i });
                    break;
                }

                default:
                    throw new TranslationException(JsonRead.Path(path, "type"), ResponsesItemTypes.NativeOnly.Contains(type)
                        ? $"\"{type}\" items belong to tools and state that only a native Responses endpoint has; this deployment is translated"
                        : $"unknown item type \"{type}\"");
            }

            i++;
        }

        FlushAssistant();
        return messages;
    }

    /// <summary>Reasoning first, then text, then tool calls: the order every dialect writes an assistant turn in.</summary>
    private static List<ContentPart> Ordered(List<ContentPart> parts) =>
        [.. parts.OfType<ReasoningPart>(), .. parts.Where(static p => p is not ReasoningPart and not ToolCallPart), .. parts.OfType<ToolCallPart>()];

    private static ChatRole UserSideRole(string role, string path) => role switch
    {
        "user" => ChatRole.User,
        "system" or "developer" => ChatRole.System,
        _ => throw new TranslationException(JsonRead.Path(path, "role"), $"unknown role \"{role}\" (user, assistant, system or developer)"),
    };

    private static List<ContentPart> UserContent(JsonElement item, string path)
    {
        if (!JsonRead.TryGet(item, "content", out var content))
        {
            throw new TranslationException(JsonRead.Path(path, "content"), "is required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(JsonRead.Text(content, JsonRead.Path(path, "content")))];
        }

        return Parts(content, JsonRead.Path(path, "content"));
    }

    private static List<ContentPart> AssistantContent(JsonElement item, string path)
    {
        if (!JsonRead.TryGet(item, "content", out var content))
        {
            return [];
        }

        var contentPath = JsonRead.Path(path, "content");
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(JsonRead.Text(content, contentPath))];
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException(contentPath, "must be a string or an array of parts");
        }

        var parts = new List<ContentPart>();
        var p = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{contentPath}[{p++}]";
            JsonRead.RequireObject(part, partPath);
            var type = JsonRead.RequiredString(part, "type", partPath);
            parts.Add(type switch
            {
                "output_text" or "input_text" or "text" => new TextPart(JsonRead.RequiredString(part, "text", partPath)),
                "refusal" => new TextPart(JsonRead.RequiredString(part, "refusal", partPath)),
                _ => throw new TranslationException(JsonRead.Path(partPath, "type"), $"\"{type}\" cannot appear in an assistant message"),
            });
        }

        return parts;
    }

    /// <summary>User-side parts: <c>input_text</c>, <c>input_image</c>, <c>input_file</c>.</summary>
    internal static List<ContentPart> Parts(JsonElement content, string path)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException(path, "must be a string or an array of parts");
        }

        var parts = new List<ContentPart>();
        var p = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{p++}]";
            JsonRead.RequireObject(part, partPath);
            var type = JsonRead.RequiredString(part, "type", partPath);
            parts.Add(type switch
            {
                "input_text" or "text" or "output_text" => new TextPart(JsonRead.RequiredString(part, "text", partPath)),
                "input_image" => Image(part, partPath),
                "input_file" => File(part, partPath),
                _ => throw new TranslationException(JsonRead.Path(partPath, "type"), $"unknown content part \"{type}\" (input_text, input_image or input_file)"),
            });
        }

        return parts;
    }

    private static ImagePart Image(JsonElement part, string path)
    {
        if (JsonRead.OptionalString(part, "image_url", path) is not { } url)
        {
            throw new TranslationException(JsonRead.Path(path, "file_id"), "an image by file id lives in OpenAI's file store; send it as image_url (a URL or a data URL)");
        }

        return DataUri.TryParse(url, out var mediaType, out var data) ? new ImagePart(null, mediaType, data) : new ImagePart(url, null, null);
    }

    private static DocumentPart File(JsonElement part, string path)
    {
        var name = JsonRead.OptionalString(part, "filename", path);
        if (JsonRead.OptionalString(part, "file_data", path) is { } data)
        {
            return DataUri.TryParse(data, out var mediaType, out var base64)
                ? new DocumentPart(mediaType, base64, null, null) { Title = name }
                : new DocumentPart("application/pdf", data, null, null) { Title = name };
        }

        if (JsonRead.OptionalString(part, "file_url", path) is { } url)
        {
            return new DocumentPart(null, null, url, null) { Title = name };
        }

        if (JsonRead.OptionalString(part, "file_id", path) is { } id)
        {
            return new DocumentPart(null, null, null, null) { Title = name, FileId = id };
        }

        throw new TranslationException(path, "an input_file needs file_data, file_url or file_id");
    }

    /// <summary>A call output: a string, or parts (text and images).</summary>
    private static List<ContentPart> Output(JsonElement item, string path)
    {
        var outputPath = JsonRead.Path(path, "output");
        if (!JsonRead.TryGet(item, "output", out var output))
        {
            return [new TextPart("")];
        }

        return output.ValueKind == JsonValueKind.String ? [new TextPart(JsonRead.Text(output, outputPath))] : Parts(output, outputPath);
    }

    /// <summary>
    /// A reasoning item: its summary (or full reasoning text) becomes the turn's reasoning. A signature
    /// Ciyuan sealed into <c>encrypted_content</c> comes back with it; another server's encrypted
    /// reasoning cannot be read anywhere else and is left out.
    /// </summary>
    private static ReasoningPart? Reasoning(JsonElement item, string path)
    {
        var text = new StringBuilder();
        foreach (var member in (ReadOnlySpan<string>)["summary", "content"])
        {
            if (JsonRead.OptionalArray(item, member, path) is not { } parts)
            {
                continue;
            }

            var p = 0;
            foreach (var part in parts.EnumerateArray())
            {
                var partPath = $"{path}.{member}[{p++}]";
                JsonRead.RequireObject(part, partPath);
                if (JsonRead.OptionalString(part, "text", partPath) is { } piece)
                {
                    if (text.Length > 0 && member == "summary")
                    {
                        text.Append("\n\n");
                    }

                    text.Append(piece);
                }
            }

            if (text.Length > 0)
            {
                // The full reasoning_text, when a server sent it, is no better than the summary we wrote ourselves.
                break;
            }
        }

        var sealedContent = ReasoningEnvelope.Open(JsonRead.OptionalString(item, "encrypted_content", path));
        if (sealedContent is { } envelope)
        {
            return new ReasoningPart(envelope.Text ?? text.ToString(), envelope.Signature, envelope.RedactedData);
        }

        return text.Length > 0 ? new ReasoningPart(text.ToString()) : null;
    }
}
