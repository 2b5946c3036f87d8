using System.Text.Json;

namespace Ciyuan.Protocols.OpenAI;

/// <summary>
/// Scans an OpenAI chat or embeddings request once with <see cref="Utf8JsonReader"/>: validates the
/// whole body as JSON and picks out the few fields routing and metering need.
/// </summary>
public static class OpenAIRequestScanner
{
    /// <summary>Returns null and an error message when the body is not a JSON object.</summary>
    public static OpenAIRequestFacts? Scan(ReadOnlySpan<byte> body, out string? error)
    {
        var facts = new OpenAIRequestFacts();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the request body must be a JSON object";
                return null;
            }

            facts.ObjectStart = (int)reader.BytesConsumed;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        facts.Model = reader.GetString();
                        facts.ModelValue = new Range((int)reader.TokenStartIndex, (int)reader.BytesConsumed);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    facts.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadStreamOptions(ref reader, facts);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    facts.StreamOptionsValue = new Range(start, (int)reader.BytesConsumed);
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var max))
                    {
                        facts.MaxTokens = max;
                    }

                    reader.Skip();
                }
                else if (reader.ValueTextEquals("n"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n > 0)
                    {
                        facts.Choices = n;
                    }

                    reader.Skip();
                }
                else if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    var start = reader.TokenStartIndex;
                    reader.Skip();
                    facts.PromptStart = (int)start;
                    facts.PromptBytes = (int)(reader.BytesConsumed - start);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "the request body must hold exactly one JSON object";
                return null;
            }
        }
        catch (JsonException ex)
        {
            error = $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message.Split(" LineNumber", 2)[0]}";
            return null;
        }

        error = null;
        return facts;
    }

    private static void ReadStreamOptions(ref Utf8JsonReader reader, OpenAIRequestFacts facts)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                facts.IncludeUsageRequested = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }
}
