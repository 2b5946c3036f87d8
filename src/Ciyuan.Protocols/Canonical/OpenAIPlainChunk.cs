using System.Text.Json;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// The chunk that makes up almost every stream — <c>choices[0].delta</c> with a role and a piece of
/// text, perhaps a finish reason, nothing else that carries meaning — read in one forward pass
/// without building a document (a document per chunk was most of a translated stream's cost).
/// Anything else — reasoning, tool calls, usage, an error, several choices, a duplicate field, or
/// bytes the reader rejects — answers false and goes to the full decoder, so both give the same
/// events for every chunk this one accepts. Also read by the stream normalizer, which needs the
/// choice's <c>index</c> (0 when the choice has none, as the array holds only it).
/// </summary>
public static class OpenAIPlainChunk
{
    public static bool TryRead(ReadOnlySpan<byte> chunk, out string? text, out string? finishReason) =>
        TryRead(chunk, out text, out finishReason, out _);

    public static bool TryRead(ReadOnlySpan<byte> chunk, out string? text, out string? finishReason, out int choiceIndex)
    {
        text = null;
        finishReason = null;
        choiceIndex = 0;
        var reader = new Utf8JsonReader(chunk);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var sawChoices = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("choices"u8))
                {
                    if (sawChoices || !reader.Read() || !ReadChoices(ref reader, ref text, ref finishReason, ref choiceIndex))
                    {
                        return false;
                    }

                    sawChoices = true;
                }
                else if (reader.ValueTextEquals("error"u8) || reader.ValueTextEquals("usage"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            // The object must end here and nothing may follow it.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An empty array, or exactly one choice of the plain shape.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader, ref string? text, ref string? finishReason, ref int choiceIndex)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.EndArray)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var sawDelta = false;
        var sawFinish = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                if (sawDelta || !reader.Read() || !ReadDelta(ref reader, ref text))
                {
                    return false;
                }

                sawDelta = true;
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                if (sawFinish || !reader.Read() || !ReadNullableString(ref reader, out finishReason))
                {
                    return false;
                }

                sawFinish = true;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.Null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out choiceIndex))
                {
                    return false;
                }
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }
        }

        // One choice only: the full decoder reads choices[0], the scanner every choice's usage.
        return reader.TokenType == JsonTokenType.EndObject && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>A role and text; any other member must be null (a refusal, reasoning or tool calls go the full way).</summary>
    private static bool ReadDelta(ref Utf8JsonReader reader, ref string? text)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var sawContent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                if (sawContent || !reader.Read() || !ReadNullableString(ref reader, out text))
                {
                    return false;
                }

                sawContent = true;
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }
            else if (!reader.Read() || reader.TokenType != JsonTokenType.Null)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadNullableString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString();
        return true;
    }
}
