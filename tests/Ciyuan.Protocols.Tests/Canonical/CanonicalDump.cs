using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>
/// A deterministic text form of canonical values. Records holding lists and JSON elements do not
/// compare by value, so tests compare these dumps; golden <c>.canonical.json</c> files use them too.
/// <see cref="ChatMessage.SourceIndex"/> is left out: it is bookkeeping, not content.
/// </summary>
internal static class CanonicalDump
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions EventOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static string Of(ChatRequest request) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("model", request.Model);
        writer.WriteString("sourceDialect", request.SourceDialect.ToString());
        writer.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.ToString());
            WriteIfSet(writer, "toolCallId", message.ToolCallId);
            WriteIfSet(writer, "name", message.Name);
            WriteParts(writer, "content", message.Content);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            WriteIfSet(writer, "description", tool.Description);
            WriteElement(writer, "parameters", tool.ServerTool is null ? tool.Parameters : null);
            if (tool.Strict is { } strict)
            {
                writer.WriteBoolean("strict", strict);
            }

            WriteElement(writer, "cacheControl", tool.CacheControl);
            WriteElement(writer, "serverTool", tool.ServerTool);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteIfSet(writer, "toolChoice", request.ToolChoice is { } choice ? $"{choice.Kind}{(choice.Name is null ? "" : ":" + choice.Name)}" : null);
        WriteIfSet(writer, "parallelToolCalls", request.ParallelToolCalls?.ToString());
        WriteIfSet(writer, "maxOutputTokens", request.MaxOutputTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteIfSet(writer, "temperature", request.Temperature?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteIfSet(writer, "topP", request.TopP?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteIfSet(writer, "topK", request.TopK?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteStartArray("stop");
        foreach (var stop in request.Stop)
        {
            writer.WriteStringValue(stop);
        }

        writer.WriteEndArray();
        if (request.Reasoning is { } reasoning)
        {
            WriteIfSet(writer, "reasoning", $"{reasoning.Mode?.ToString() ?? "-"} budget={reasoning.BudgetTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} effort={reasoning.Effort ?? "-"}");
        }

        if (request.ResponseFormat is { } format)
        {
            WriteIfSet(writer, "responseFormat", format.Kind.ToString());
            WriteElement(writer, "responseFormatSchema", format.JsonSchema);
        }

        WriteIfSet(writer, "user", request.User);
        writer.WriteBoolean("stream", request.Stream);
        writer.WriteBoolean("streamIncludeUsage", request.StreamIncludeUsage);
        writer.WriteStartObject("extensions");
        foreach (var (name, value) in request.Extensions.OrderBy(static pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
        if (request.SourceFields.Count > 0)
        {
            writer.WriteStartArray("sourceFields");
            foreach (var field in request.SourceFields)
            {
                writer.WriteStringValue($"{field.Path}: {field.Fate} ({field.Reason})");
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    });

    public static string Of(ChatResponse response) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("id", response.Id);
        writer.WriteString("model", response.Model);
        WriteParts(writer, "content", response.Content);
        writer.WriteString("finishReason", response.FinishReason.ToString());
        WriteIfSet(writer, "rawFinishReason", response.RawFinishReason);
        WriteIfSet(writer, "stopSequence", response.StopSequence);
        WriteIfSet(writer, "usage", response.Usage is { } usage ? Usage(usage) : null);
        writer.WriteEndObject();
    });

    /// <summary>One line per event: type name and its members as JSON.</summary>
    public static string Of(IEnumerable<StreamEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.Append(e.GetType().Name);
            if (e is not KeepAlive)
            {
                text.Append(' ').Append(JsonSerializer.Serialize(e, e.GetType(), EventOptions));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public static string Usage(TokenUsage usage) =>
        $"input={usage.InputUncached} cacheRead={usage.CacheRead} cacheWrite={usage.CacheWrite} output={usage.Output} reasoning={usage.Reasoning}";

    private static void WriteParts(Utf8JsonWriter writer, string name, IReadOnlyList<ContentPart> parts)
    {
        writer.WriteStartArray(name);
        foreach (var part in parts)
        {
            writer.WriteStartObject();
            switch (part)
            {
                case TextPart text:
                    writer.WriteString("text", text.Text);
                    WriteElement(writer, "cacheControl", text.CacheControl);
                    break;
                case ImagePart image:
                    writer.WriteString("image", image.Url ?? $"{image.MediaType};{image.Base64Data}");
                    break;
                case DocumentPart document:
                    writer.WriteString("document", document.FileId ?? document.Url ?? document.Text ?? $"{document.MediaType};{document.Base64Data}");
                    WriteIfSet(writer, "title", document.Title);
                    WriteElement(writer, "cacheControl", document.CacheControl);
                    break;
                case ReasoningPart reasoning:
                    writer.WriteString("reasoning", reasoning.Text);
                    WriteIfSet(writer, "signature", reasoning.Signature);
                    WriteIfSet(writer, "redacted", reasoning.RedactedData);
                    break;
                case ToolCallPart call:
                    writer.WriteString("toolCall", call.Id);
                    writer.WriteString("name", call.Name);
                    writer.WriteString("arguments", call.ArgumentsJson);
                    break;
                case ToolResultPart result:
                    writer.WriteString("toolResult", result.ToolCallId);
                    writer.WriteBoolean("isError", result.IsError);
                    WriteParts(writer, "content", result.Content);
                    break;
                default:
                    throw new InvalidOperationException(part.GetType().Name);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        if (value is { } element)
        {
            writer.WritePropertyName(name);
            element.WriteTo(writer);
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }
}
