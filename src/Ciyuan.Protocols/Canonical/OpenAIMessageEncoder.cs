using System.Text;
using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>Canonical messages → OpenAI <c>messages</c> (docs/dialects.md, Anthropic → OpenAI).</summary>
internal static class OpenAIMessageEncoder
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages, OpenAIEncodeOptions options)
    {
        writer.WriteStartArray("messages");
        foreach (var turn in Arrange(messages))
        {
            switch (turn.Role)
            {
                case ChatRole.System:
                    WriteSystem(writer, turn);
                    break;
                case ChatRole.User:
                    WriteUser(writer, turn, options);
                    break;
                case ChatRole.Assistant:
                    WriteAssistant(writer, turn, options);
                    break;
                default:
                    WriteTool(writer, turn);
                    break;
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Orders and merges turns the way OpenAI-style upstreams insist on: one tool message per result,
    /// straight after the assistant turn; images and documents from tool results (which tool
    /// messages cannot carry) in a user message after the tool messages; consecutive messages of
    /// the same role merged, since several upstreams reject repeats.
    /// </summary>
    internal static List<OpenAITurn> Arrange(IReadOnlyList<ChatMessage> messages)
    {
        var turns = new List<OpenAITurn>(messages.Count);
        var media = new List<(ContentPart Part, string Path)>();
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            var path = $"messages[{message.SourceIndex ?? m}]";
            var others = new List<(ContentPart Part, string Path)>();
            for (var p = 0; p < message.Content.Count; p++)
            {
                var partPath = $"{path}.content[{p}]";
                if (message.Content[p] is ToolResultPart result)
                {
                    turns.Add(ToolTurn(result.ToolCallId, result.IsError, result.Content, partPath, media));
                }
                else
                {
                    others.Add((message.Content[p], partPath));
                }
            }

            if (message.Role == ChatRole.Tool)
            {
                if (others.Count > 0)
                {
                    var id = message.ToolCallId ?? throw new TranslationException(path + ".tool_call_id", "is required");
                    turns.Add(ToolTurn(id, false, others.ConvertAll(static o => o.Part), path, media));
                }

                continue;
            }

            if (others.Count == 0 && message.Content.Count > 0)
            {
                continue;
            }

            if (media.Count > 0)
            {
                Append(turns, ChatRole.User, null, media);
                media.Clear();
            }

            Append(turns, message.Role, message.Name, others);
        }

        if (media.Count > 0)
        {
            Append(turns, ChatRole.User, null, media);
        }

        return turns;
    }

    private static OpenAITurn ToolTurn(string id, bool isError, IReadOnlyList<ContentPart> content, string path, List<(ContentPart, string)> media)
    {
        var turn = new OpenAITurn(ChatRole.Tool, null, id) { IsError = isError };
        for (var i = 0; i < content.Count; i++)
        {
            var itemPath = $"{path}.content[{i}]";
            if (content[i] is TextPart)
            {
                turn.Parts.Add((content[i], itemPath));
            }
            else
            {
                media.Add((content[i], itemPath));
            }
        }

        return turn;
    }

    private static void Append(List<OpenAITurn> turns, ChatRole role, string? name, List<(ContentPart Part, string Path)> parts)
    {
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Parts.AddRange(parts);
            return;
        }

        var turn = new OpenAITurn(role, name, null);
        turn.Parts.AddRange(parts);
        turns.Add(turn);
    }

    private static void WriteSystem(Utf8JsonWriter writer, OpenAITurn turn)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "system");
        writer.WriteString("content", JoinText(turn, "\n\n"));
        WriteName(writer, turn);
        writer.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter writer, OpenAITurn turn, OpenAIEncodeOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "user");
        if (turn.Parts is [{ Part: TextPart single }])
        {
            writer.WriteString("content", single.Text);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var (part, path) in turn.Parts)
            {
                WriteUserPart(writer, part, path, options);
            }

            writer.WriteEndArray();
        }

        WriteName(writer, turn);
        writer.WriteEndObject();
    }

    private static void WriteUserPart(Utf8JsonWriter writer, ContentPart part, string path, OpenAIEncodeOptions options)
    {
        writer.WriteStartObject();
        switch (part)
        {
            case TextPart text:
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                break;
            case ImagePart image:
                writer.WriteString("type", "image_url");
                writer.WriteStartObject("image_url");
                writer.WriteString("url", image.Base64Data is { } data ? DataUri.Format(image.MediaType, data) : image.Url);
                writer.WriteEndObject();
                break;
            case DocumentPart document when options.SupportsDocuments:
                writer.WriteString("type", "file");
                writer.WriteStartObject("file");
                if (document.Title is { } title)
                {
                    writer.WriteString("filename", title);
                }

                if (document.FileId is { } fileId)
                {
                    writer.WriteString("file_id", fileId);
                }
                else if (document.Base64Data is { } base64)
                {
                    writer.WriteString("file_data", DataUri.Format(document.MediaType ?? "application/pdf", base64));
                }
                else if (document.Text is { } inline)
                {
                    writer.WriteString("file_data", DataUri.Format(document.MediaType ?? "text/plain", Convert.ToBase64String(Encoding.UTF8.GetBytes(inline))));
                }
                else
                {
                    throw new TranslationException(path, "document URLs cannot be sent to this upstream");
                }

                writer.WriteEndObject();
                break;
            case DocumentPart:
                throw new TranslationException(path, "document blocks cannot be sent to this upstream");
            default:
                throw new TranslationException(path, $"{part.GetType().Name} cannot appear in a user message");
        }

        writer.WriteEndObject();
    }

    private static void WriteAssistant(Utf8JsonWriter writer, OpenAITurn turn, OpenAIEncodeOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var hasCalls = false;
        foreach (var (part, path) in turn.Parts)
        {
            switch (part)
            {
                case TextPart t:
                    text.Append(t.Text);
                    break;
                case ReasoningPart r:
                    reasoning.Append(r.Text);
                    break;
                case ToolCallPart:
                    hasCalls = true;
                    break;
                default:
                    throw new TranslationException(path, $"{part.GetType().Name} cannot appear in an assistant message");
            }
        }

        if (text.Length == 0 && hasCalls)
        {
            writer.WriteNull("content");
        }
        else
        {
            writer.WriteString("content", text.ToString());
        }

        var reasoningParts = turn.Parts.Select(static p => p.Part).OfType<ReasoningPart>().ToList();
        if (options.ReplayReasoning && reasoning.Length > 0)
        {
            writer.WriteString(options.ReasoningField, reasoning.ToString());
        }

        if (options.ReplayReasoning && options.IncludeReasoningDetails && OpenAIReasoningDetails.Needed(reasoningParts))
        {
            OpenAIReasoningDetails.Write(writer, reasoningParts);
        }

        if (hasCalls)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var (part, _) in turn.Parts)
            {
                if (part is ToolCallPart call)
                {
                    OpenAIToolCalls.Write(writer, call);
                }
            }

            writer.WriteEndArray();
        }

        WriteName(writer, turn);
        writer.WriteEndObject();
    }

    private static void WriteTool(Utf8JsonWriter writer, OpenAITurn turn)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "tool");
        writer.WriteString("tool_call_id", turn.ToolCallId);
        var text = JoinText(turn, "\n");
        writer.WriteString("content", turn.IsError ? OpenAIMessageDecoder.ErrorPrefix + text : text);
        writer.WriteEndObject();
    }

    private static string JoinText(OpenAITurn turn, string separator)
    {
        var texts = new List<string>(turn.Parts.Count);
        foreach (var (part, path) in turn.Parts)
        {
            texts.Add(part is TextPart text ? text.Text : throw new TranslationException(path, $"only text is allowed here, not {part.GetType().Name}"));
        }

        return string.Join(separator, texts);
    }

    private static void WriteName(Utf8JsonWriter writer, OpenAITurn turn)
    {
        if (turn.Name is { } name)
        {
            writer.WriteString("name", name);
        }
    }
}
