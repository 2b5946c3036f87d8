using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.OpenAI;

/// <summary>
/// Reads usage, finish reason and generated-text size from an OpenAI-dialect completion or chunk,
/// accepting every vendor's variant: usage at the top level or inside <c>choices[i]</c> (Moonshot),
/// cached tokens as <c>prompt_tokens_details.cached_tokens</c> (OpenAI, Qwen, GLM), top-level
/// <c>cached_tokens</c> (Moonshot) or <c>prompt_cache_hit_tokens</c> (DeepSeek).
/// </summary>
public static class OpenAIResponseScanner
{
    /// <summary>Scans a body; malformed JSON yields default facts (the relay forwards it regardless).</summary>
    public static OpenAIChunkFacts Scan(ReadOnlySpan<byte> json)
    {
        var facts = default(OpenAIChunkFacts);
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                facts.Malformed = true;
                return facts;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    ReadUsage(ref reader, ref facts);
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    ReadChoices(ref reader, ref facts);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    facts.IsError = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.String;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Garbled upstream bytes (or text that is not Unicode): nothing to meter from this chunk.
            facts.Malformed = true;
        }

        return facts;
    }

    private static void ReadChoices(ref Utf8JsonReader reader, ref OpenAIChunkFacts facts)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    facts.GeneratedBytes += CountGenerated(ref reader);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    ReadUsage(ref reader, ref facts);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        facts.FinishReason = reader.GetString();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        facts.ChoicesEmpty = count == 0;
    }

    /// <summary>Sums the lengths of every string inside a delta/message: text, reasoning, tool arguments.</summary>
    private static int CountGenerated(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        var depth = reader.CurrentDepth;
        var bytes = 0;
        var skipNext = false;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                // Role, ids and type tags are not generated text.
                skipNext = reader.ValueTextEquals("role"u8) || reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("type"u8);
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                if (!skipNext)
                {
                    // Escaped text (\u4f60, \n) is counted as the UTF-8 it stands for, not as its escapes.
                    bytes += reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetByteCount(reader.GetString()!) : reader.ValueSpan.Length;
                }

                skipNext = false;
            }
        }

        return bytes;
    }

    /// <summary>
    /// Reads a usage object as the vendor claimed it: counts are not clamped here (a negative or
    /// overflowing count is kept, saturated, so <see cref="UsageCheck"/> can flag it), and the
    /// buckets are made disjoint from whichever fields the vendor used.
    /// </summary>
    private static void ReadUsage(ref Utf8JsonReader reader, ref OpenAIChunkFacts facts)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        long? prompt = null, completion = null, cachedDetails = null, hit = null, miss = null, cachedTop = null, cacheWrite = null, reasoning = null;
        long? inputTokens = null, cacheReadAnthropic = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadLong(ref reader) ?? prompt;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                completion = ReadLong(ref reader) ?? completion;
            }
            else if (reader.ValueTextEquals("input_tokens"u8))
            {
                inputTokens = ReadLong(ref reader) ?? inputTokens;
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                hit = ReadLong(ref reader) ?? hit;
            }
            else if (reader.ValueTextEquals("prompt_cache_miss_tokens"u8))
            {
                miss = ReadLong(ref reader) ?? miss;
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cachedTop = ReadLong(ref reader) ?? cachedTop;
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                cacheReadAnthropic = ReadLong(ref reader) ?? cacheReadAnthropic;
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                cacheWrite = Max(cacheWrite, ReadLong(ref reader));
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8)
                || reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8))
            {
                reader.Read();
                ReadDetails(ref reader, ref cachedDetails, ref cacheWrite, ref reasoning);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Vendors name the cached part differently; several names in one report are the same tokens.
        var cacheRead = Max(Max(cachedDetails, hit), Max(cachedTop, cacheReadAnthropic)) ?? 0;
        var write = cacheWrite ?? 0;
        var total = prompt
            ?? (miss is { } m ? Saturating.Add(m, hit ?? 0)
            : inputTokens is { } input ? Saturating.Add(Saturating.Add(input, cacheReadAnthropic ?? 0), write)
            : 0);
        facts.HasUsage = true;
        facts.Usage = TokenUsage.FromPromptTotals(total, cacheRead, write, completion ?? 0, reasoning ?? 0);
    }

    private static void ReadDetails(ref Utf8JsonReader reader, ref long? cached, ref long? cacheWrite, ref long? reasoning)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = Max(cached, ReadLong(ref reader));
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8) || reader.ValueTextEquals("cache_creation_tokens"u8) || reader.ValueTextEquals("cache_write_tokens"u8))
            {
                cacheWrite = Max(cacheWrite, ReadLong(ref reader));
            }
            else if (reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoning = Max(reasoning, ReadLong(ref reader));
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// A count as claimed: null when absent or not a number; a number that does not fit, or is not
    /// whole, saturates (fractions to <see cref="long.MinValue"/>, which no check lets pass).
    /// </summary>
    private static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        if (reader.TryGetInt64(out var value))
        {
            return value;
        }

        return reader.TryGetDouble(out var number) && number >= long.MaxValue ? long.MaxValue : long.MinValue;
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
