using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Canonical messages → Anthropic <c>system</c> and <c>messages</c>.</summary>
internal static class AnthropicMessageEncoder
{
    /// <summary>
    /// Every system message, wherever it stood, goes to the top-level <c>system</c> (Anthropic has no
    /// other place for it). One plain text becomes a string; anything else stays a block array so
    /// <c>cache_control</c> markers and block boundaries survive.
    /// </summary>
    public static void WriteSystem(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages)
    {
        var texts = new List<TextPart>();
        for (var m = 0; m < messages.Count; m++)
        {
            if (messages[m].Role != ChatRole.System)
            {
                continue;
            }

            for (var p = 0; p < messages[m].Content.Count; p++)
            {
                texts.Add(messages[m].Content[p] as TextPart
                    ?? throw new TranslationException($"{PathOf(messages[m], m)}.content[{p}]", "system messages may only contain text"));
            }
        }

        if (texts.Count == 0)
        {
            return;
        }

        if (texts is [{ CacheControl: null } single])
        {
            writer.WriteString("system", single.Text);
            return;
        }

        writer.WriteStartArray("system");
        foreach (var text in texts)
        {
            AnthropicBlockEncoder.Write(writer, text, "system", isRequest: true);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Consecutive tool messages become one user message of <c>tool_result</c> blocks, and a user
    /// message right after them joins it (Anthropic wants the results of one assistant turn in the
    /// next user turn, results first).
    /// </summary>
    public static void WriteMessages(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages)
    {
        writer.WriteStartArray("messages");
        var inToolTurn = false;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            var path = PathOf(message, m);
            switch (message.Role)
            {
                case ChatRole.System:
                    continue;
                case ChatRole.Tool:
                    if (!inToolTurn)
                    {
                        StartMessage(writer, "user");
                        inToolTurn = true;
                    }

                    WriteToolMessage(writer, message, path);
                    continue;
                case ChatRole.User when inToolTurn:
                    WriteParts(writer, message, path);
                    EndMessage(writer);
                    inToolTurn = false;
                    continue;
                default:
                    break;
            }

            if (inToolTurn)
            {
                EndMessage(writer);
                inToolTurn = false;
            }

            if (message.Role == ChatRole.Assistant && !HasWritableParts(message))
            {
                // Only unsigned reasoning from another vendor: nothing Anthropic would accept.
                continue;
            }

            StartMessage(writer, message.Role == ChatRole.Assistant ? "assistant" : "user");
            WriteParts(writer, message, path);
            EndMessage(writer);
        }

        if (inToolTurn)
        {
            EndMessage(writer);
        }

        writer.WriteEndArray();
    }

    private static string PathOf(ChatMessage message, int canonicalIndex) => $"messages[{message.SourceIndex ?? canonicalIndex}]";

    private static bool HasWritableParts(ChatMessage message)
    {
        foreach (var part in message.Content)
        {
            if (part is not ReasoningPart { RedactedData: null } reasoning || !string.IsNullOrEmpty(reasoning.Signature))
            {
                return true;
            }
        }

        return message.Content.Count == 0;
    }

    private static void StartMessage(Utf8JsonWriter writer, string role)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteStartArray("content");
    }

    private static void EndMessage(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteParts(Utf8JsonWriter writer, ChatMessage message, string path)
    {
        for (var p = 0; p < message.Content.Count; p++)
        {
            var part = message.Content[p];
            var partPath = $"{path}.content[{p}]";
            var misplaced = message.Role == ChatRole.Assistant
                ? part is ToolResultPart
                : part is ToolCallPart or ReasoningPart;
            if (misplaced)
            {
                throw new TranslationException(partPath, $"{part.GetType().Name} cannot appear in a {message.Role.ToString().ToLowerInvariant()} message");
            }

            AnthropicBlockEncoder.Write(writer, part, partPath, isRequest: true);
        }
    }

    /// <summary>A tool message normally holds one result; plain content is taken as the result of <see cref="ChatMessage.ToolCallId"/>.</summary>
    private static void WriteToolMessage(Utf8JsonWriter writer, ChatMessage message, string path)
    {
        if (message.Content.Count > 0 && message.Content.All(static part => part is ToolResultPart))
        {
            for (var p = 0; p < message.Content.Count; p++)
            {
                AnthropicBlockEncoder.Write(writer, message.Content[p], $"{path}.content[{p}]", isRequest: true);
            }

            return;
        }

        var id = message.ToolCallId ?? throw new TranslationException(JsonPathOf(path, "tool_call_id"), "is required");
        AnthropicBlockEncoder.WriteToolResult(writer, id, message.Content, isError: false, path);
    }

    private static string JsonPathOf(string parent, string name) => parent + "." + name;
}
