using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Anthropic Messages request body → <see cref="ChatRequest"/>. Every top-level field has a fate
/// (<see cref="AnthropicFieldFates"/>); fields the canonical model does not carry are listed in
/// <see cref="ChatRequest.SourceFields"/> for the encoder to drop or refuse, so nothing is lost quietly.
/// </summary>
internal static class AnthropicRequestDecoder
{
    public static ChatRequest Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        var maxTokens = JsonRead.OptionalInt(root, "max_tokens", "") ?? throw new TranslationException("max_tokens", "is required");
        if (maxTokens < 1)
        {
            throw new TranslationException("max_tokens", "must be at least 1");
        }

        var fields = new List<SourceField>();
        var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!AnthropicFieldFates.Mapped.Contains(property.Name))
            {
                extensions[property.Name] = property.Value;
                if (property.Name != "cache_control")
                {
                    fields.Add(AnthropicFieldFates.Of(property.Name));
                }
            }
        }

        if (MentionsCacheControl(json))
        {
            fields.Add(AnthropicFieldFates.Of("cache_control"));
        }

        var messages = new List<ChatMessage>();
        if (JsonRead.TryGet(root, "system", out var system))
        {
            messages.Add(new ChatMessage(ChatRole.System, SystemText(system, "system")));
        }

        DecodeMessages(JsonRead.RequiredArray(root, "messages", ""), messages, fields);
        messages = AnthropicContextEdits.Apply(root, messages, fields);
        var (toolChoice, parallel) = AnthropicToolDecoder.DecodeToolChoice(root);
        return new ChatRequest
        {
            Model = JsonRead.RequiredString(root, "model", ""),
            Messages = messages,
            Tools = AnthropicToolDecoder.DecodeTools(root, fields),
            ToolChoice = toolChoice,
            ParallelToolCalls = parallel,
            MaxOutputTokens = maxTokens,
            Temperature = JsonRead.OptionalDouble(root, "temperature", ""),
            TopP = JsonRead.OptionalDouble(root, "top_p", ""),
            TopK = JsonRead.OptionalInt(root, "top_k", ""),
            Stop = DecodeStopSequences(root),
            Reasoning = AnthropicOutputDecoder.DecodeReasoning(root, extensions, fields),
            ResponseFormat = AnthropicOutputDecoder.DecodeResponseFormat(root),
            User = JsonRead.OptionalObject(root, "metadata", "") is { } metadata ? JsonRead.OptionalString(metadata, "user_id", "metadata") : null,
            Stream = JsonRead.OptionalBool(root, "stream", "") ?? false,
            SourceDialect = Dialect.Anthropic,
            Extensions = extensions,
            SourceFields = fields,
        };
    }

    /// <summary>
    /// Tool results leave their user message as one <see cref="ChatRole.Tool"/> message each, ahead of
    /// the message's other blocks (Anthropic requires results first, OpenAI wants tool messages
    /// directly after the assistant turn); the encoder folds them back. A <c>system</c> message in the
    /// middle of the conversation stays where it is; the encoder decides how the target takes it.
    /// </summary>
    private static void DecodeMessages(JsonElement array, List<ChatMessage> messages, List<SourceField> fields)
    {
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var path = $"messages[{index}]";
            JsonRead.RequireObject(message, path);
            var role = JsonRead.RequiredString(message, "role", path) switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "system" => ChatRole.System,
                _ => throw new TranslationException(JsonRead.Path(path, "role"), "must be \"user\", \"assistant\" or \"system\""),
            };
            if (!JsonRead.TryGet(message, "content", out var content))
            {
                throw new TranslationException(JsonRead.Path(path, "content"), "is required");
            }

            if (role == ChatRole.System)
            {
                foreach (var property in message.EnumerateObject())
                {
                    if (property.Name is not ("role" or "content"))
                    {
                        fields.Add(new SourceField(JsonRead.Path(path, property.Name), FieldFate.Refused,
                            "per-message settings of a system message apply only at Anthropic"));
                    }
                }

                messages.Add(new ChatMessage(role, SystemText(content, JsonRead.Path(path, "content"))) { SourceIndex = index });
                index++;
                continue;
            }

            var parts = AnthropicBlockDecoder.DecodeContent(content, JsonRead.Path(path, "content"));
            if (role == ChatRole.Assistant)
            {
                CheckAssistantParts(parts, path);
                messages.Add(new ChatMessage(role, parts) { SourceIndex = index });
            }
            else
            {
                AddUserMessage(parts, path, index, messages);
            }

            index++;
        }
    }

    private static List<ContentPart> SystemText(JsonElement content, string path)
    {
        var parts = AnthropicBlockDecoder.DecodeContent(content, path);
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] is not TextPart)
            {
                throw new TranslationException($"{path}[{i}]", "system blocks must be text");
            }
        }

        return parts;
    }

    private static void CheckAssistantParts(List<ContentPart> parts, string path)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] is ToolResultPart)
            {
                throw new TranslationException($"{path}.content[{i}]", "tool_result blocks belong in user messages");
            }
        }
    }

    private static void AddUserMessage(List<ContentPart> parts, string path, int index, List<ChatMessage> messages)
    {
        var others = new List<ContentPart>(parts.Count);
        var hasResults = false;
        for (var i = 0; i < parts.Count; i++)
        {
            switch (parts[i])
            {
                case ToolResultPart result:
                    hasResults = true;
                    messages.Add(new ChatMessage(ChatRole.Tool, [result]) { ToolCallId = result.ToolCallId, SourceIndex = index });
                    break;
                case ToolCallPart or ReasoningPart:
                    throw new TranslationException($"{path}.content[{i}]", "tool_use and thinking blocks belong in assistant messages");
                default:
                    others.Add(parts[i]);
                    break;
            }
        }

        if (!hasResults || others.Count > 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, others) { SourceIndex = index });
        }
    }

    private static List<string> DecodeStopSequences(JsonElement root)
    {
        if (JsonRead.OptionalArray(root, "stop_sequences", "") is not { } array)
        {
            return [];
        }

        var stop = new List<string>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            stop.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new TranslationException($"stop_sequences[{index}]", "must be a string"));
            index++;
        }

        return stop;
    }

    /// <summary>
    /// Whether any member anywhere is named <c>cache_control</c> (system, blocks, tools, top level):
    /// one scan of the bytes instead of a flag threaded through every block decoder. Inside a JSON
    /// string the quote after the name would be escaped, so text that mentions it does not count.
    /// </summary>
    private static bool MentionsCacheControl(ReadOnlySpan<byte> json)
    {
        var name = "\"cache_control\""u8;
        while (json.IndexOf(name) is var at and >= 0)
        {
            json = json[(at + name.Length)..];
            if (json.TrimStart(" \t\r\n"u8) is [(byte)':', ..])
            {
                return true;
            }
        }

        return false;
    }
}
