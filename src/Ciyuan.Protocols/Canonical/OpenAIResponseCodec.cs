using System.Text;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Protocols.Canonical;

/// <summary>OpenAI Chat Completions (non-stream) response bodies ⇄ <see cref="ChatResponse"/>.</summary>
public static class OpenAIResponseCodec
{
    /// <summary>Reads <c>choices[0]</c> (the gateway never asks an upstream for more) and usage in any vendor's shape.</summary>
    public static ChatResponse Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        if (JsonRead.TryGet(root, "error", out _))
        {
            throw new TranslationException("error", "the upstream answered with an error body");
        }

        var choices = JsonRead.RequiredArray(root, "choices", "");
        List<ContentPart> content = [];
        string? finish = null;
        if (choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            JsonRead.RequireObject(choice, "choices[0]");
            if (JsonRead.OptionalObject(choice, "message", "choices[0]") is { } message)
            {
                content = OpenAIMessageDecoder.DecodeAssistant(message, "choices[0].message");
            }

            finish = JsonRead.OptionalString(choice, "finish_reason", "choices[0]");
        }

        var facts = OpenAIResponseScanner.Scan(json);
        return new ChatResponse
        {
            Id = JsonRead.OptionalString(root, "id", "") ?? "",
            Model = JsonRead.OptionalString(root, "model", "") ?? "",
            Content = content,
            FinishReason = OpenAIFinishReasons.ToCanonical(finish),
            RawFinishReason = finish,
            Usage = facts.HasUsage ? facts.Usage : null,
            Created = root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds) ? seconds : null,
        };
    }

    /// <summary>
    /// Writes the client-facing body. Signed or redacted thinking also goes out as
    /// <c>reasoning_details</c>, so a client that replays it gives Anthropic its signature back.
    /// </summary>
    public static byte[] Encode(ChatResponse response, string model, string reasoningField = "reasoning_content")
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonOutput.Write((response, model, reasoningField), static (writer, state) => Write(writer, state.response, state.model, state.reasoningField));
    }

    private static void Write(Utf8JsonWriter writer, ChatResponse response, string model, string reasoningField)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", response.Created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        WriteMessage(writer, response.Content, reasoningField);
        writer.WriteString("finish_reason", OpenAIFinishReasons.FromCanonical(response.FinishReason));
        writer.WriteNull("logprobs");
        writer.WriteEndObject();
        writer.WriteEndArray();
        OpenAIUsage.Write(writer, response.Usage ?? default);
        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, IReadOnlyList<ContentPart> content, string reasoningField)
    {
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var hasCalls = false;
        for (var i = 0; i < content.Count; i++)
        {
            switch (content[i])
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
                    throw new TranslationException($"content[{i}]", $"{content[i].GetType().Name} cannot appear in an OpenAI response");
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

        if (reasoning.Length > 0)
        {
            writer.WriteString(reasoningField, reasoning.ToString());
        }

        if (OpenAIReasoningDetails.Needed(content))
        {
            OpenAIReasoningDetails.Write(writer, content);
        }

        if (hasCalls)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var part in content)
            {
                if (part is ToolCallPart call)
                {
                    OpenAIToolCalls.Write(writer, call);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
