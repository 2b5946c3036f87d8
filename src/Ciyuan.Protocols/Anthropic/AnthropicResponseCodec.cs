using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic Messages (non-stream) response bodies ⇄ <see cref="ChatResponse"/>.</summary>
public static class AnthropicResponseCodec
{
    public static ChatResponse Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        var content = JsonRead.TryGet(root, "content", out var blocks) ? AnthropicBlockDecoder.DecodeContent(blocks, "content") : [];
        var stopReason = JsonRead.OptionalString(root, "stop_reason", "");
        return new ChatResponse
        {
            Id = JsonRead.RequiredString(root, "id", ""),
            Model = JsonRead.OptionalString(root, "model", "") ?? "",
            Content = content,
            FinishReason = AnthropicStopReasons.ToCanonical(stopReason),
            RawFinishReason = stopReason,
            StopSequence = JsonRead.OptionalString(root, "stop_sequence", ""),
            Usage = JsonRead.TryGet(root, "usage", out var usage) ? AnthropicUsage.Read(usage) : null,
        };
    }

    /// <summary>
    /// Writes the client-facing body. <paramref name="model"/> is the name the client asked for.
    /// Thinking without a signature (from another vendor) gets an empty one, which Anthropic
    /// clients accept from compatible servers.
    /// </summary>
    public static byte[] Encode(ChatResponse response, string model)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonOutput.Write((response, model), static (writer, state) => Write(writer, state.response, state.model));
    }

    private static void Write(Utf8JsonWriter writer, ChatResponse response, string model)
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", model);
        writer.WriteStartArray("content");
        for (var i = 0; i < response.Content.Count; i++)
        {
            AnthropicBlockEncoder.Write(writer, response.Content[i], $"content[{i}]", isRequest: false);
        }

        writer.WriteEndArray();
        var stopReason = AnthropicStopReasons.FromCanonical(response.FinishReason, response.RawFinishReason, response.StopSequence);
        writer.WriteString("stop_reason", stopReason);
        if (stopReason == "stop_sequence" && response.StopSequence is { } sequence)
        {
            writer.WriteString("stop_sequence", sequence);
        }
        else
        {
            writer.WriteNull("stop_sequence");
        }

        writer.WriteStartObject("usage");
        AnthropicUsage.Write(writer, response.Usage ?? default);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
