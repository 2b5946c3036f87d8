using System.Text.Json;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// UTF-8 bytes of generated text in one <c>content_block_delta</c> event (<c>text</c>,
/// <c>thinking</c> or a tool's <c>partial_json</c>): what the relay counts against the request's
/// output limit and estimates usage from when none is reported.
/// </summary>
public static class AnthropicDeltaText
{
    public static int Bytes(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                return reader.TokenType == JsonTokenType.StartObject ? DeltaBytes(ref reader) : 0;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A garbled event carries nothing countable; the relay forwards it as it came.
        }

        return 0;
    }

    private static int DeltaBytes(ref Utf8JsonReader reader)
    {
        var bytes = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var counted = reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("thinking"u8) || reader.ValueTextEquals("partial_json"u8);
            reader.Read();
            if (counted && reader.TokenType == JsonTokenType.String)
            {
                bytes += reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetByteCount(reader.GetString()!) : reader.ValueSpan.Length;
            }
            else
            {
                reader.Skip();
            }
        }

        return bytes;
    }
}
