using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// What one event of a native Responses stream carries, read without building a DOM except for the
/// terminal event: its type (from <c>event:</c>, or the data's <c>type</c>), its
/// <c>sequence_number</c>, the bytes of generated text in a delta, and — on
/// <c>response.completed</c> / <c>response.incomplete</c> — the usage and the whole response object.
/// </summary>
public readonly record struct ResponsesFrame(string? Type, long? Sequence, int TextBytes, TokenUsage? Usage, byte[]? Response, string? ResponseId)
{
    public bool IsTerminal => Type is ResponsesEvents.Completed or ResponsesEvents.Incomplete;

    public bool IsFailure => Type is ResponsesEvents.Failed or ResponsesEvents.Error;

    public static ResponsesFrame Read(string? eventName, ReadOnlySpan<byte> data)
    {
        string? type = eventName;
        long? sequence = null;
        var textBytes = 0;
        var reader = new Utf8JsonReader(data);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new ResponsesFrame(type, null, 0, null, null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("sequence_number"u8))
                {
                    reader.Read();
                    sequence = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) ? number : null;
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    textBytes = reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length : 0;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return new ResponsesFrame(type, sequence, 0, null, null, null);
        }

        if (!ResponsesEvents.CarriesGeneratedText(type))
        {
            textBytes = 0;
        }

        if (type is not (ResponsesEvents.Completed or ResponsesEvents.Incomplete or ResponsesEvents.Created))
        {
            return new ResponsesFrame(type, sequence, textBytes, null, null, null);
        }

        using var document = JsonDocument.Parse(data.ToArray());
        if (!document.RootElement.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            return new ResponsesFrame(type, sequence, textBytes, null, null, null);
        }

        var id = response.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (type == ResponsesEvents.Created)
        {
            return new ResponsesFrame(type, sequence, 0, null, null, id);
        }

        TokenUsage? usage = response.TryGetProperty("usage", out var usageElement) && ResponsesUsage.TryRead(usageElement, out var tokens) ? tokens : null;
        return new ResponsesFrame(type, sequence, textBytes, usage, System.Text.Encoding.UTF8.GetBytes(JsonOutput.Compact(response)), id);
    }

    /// <summary>UTF-8 bytes of the generated text of a whole response object (for an estimate when it reports no usage).</summary>
    public static long GeneratedBytes(JsonElement response)
    {
        long bytes = 0;
        if (!response.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        foreach (var item in output.EnumerateArray())
        {
            bytes += Text(item, "arguments") + Text(item, "input");
            foreach (var list in (ReadOnlySpan<string>)["content", "summary"])
            {
                if (item.TryGetProperty(list, out var parts) && parts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in parts.EnumerateArray())
                    {
                        bytes += Text(part, "text");
                    }
                }
            }
        }

        return bytes;
    }

    private static long Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? System.Text.Encoding.UTF8.GetByteCount(value.GetString()!)
            : 0;
}
