using System.Globalization;
using System.Text.Json;
using Ciyuan.Protocols.Json;

namespace Ciyuan.Protocols.Requests;

/// <summary>
/// Scans a request body once with <see cref="Utf8JsonReader"/>: validates the whole body as JSON
/// and picks out the few fields routing and metering need. Every field that bounds how many
/// tokens an upstream may bill is read strictly — a value a lax upstream parser would read
/// differently from us (a string, a fraction, a negative, a duplicate key) is refused, because
/// the budget hold is computed from what is read here.
/// </summary>
public static class RequestScanner
{
    /// <summary>The largest token limit accepted in any field: above every model's output, far below overflow.</summary>
    public const long MaxTokenLimit = 16 * 1024 * 1024;

    /// <summary>OpenAI's own ceiling on <c>n</c>.</summary>
    public const int MaxChoices = 128;

    /// <summary>Returns null and the reason when the body cannot be routed as it is.</summary>
    public static RequestFacts? Scan(ReadOnlySpan<byte> body, out RequestScanError? error)
    {
        var facts = new RequestFacts();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        var keys = default(DuplicateKeyDetector);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = new RequestScanError("the request body must be a JSON object", RequestScanError.InvalidJson);
                return null;
            }

            facts.ObjectStart = (int)reader.BytesConsumed;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!keys.Add(ref reader))
                {
                    error = Duplicate(reader.GetString()!, parent: null);
                    return null;
                }

                if (ReadMember(ref reader, facts) is { } invalid)
                {
                    error = invalid;
                    return null;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = new RequestScanError("the request body must hold exactly one JSON object", RequestScanError.InvalidJson);
                return null;
            }
        }
        catch (InvalidOperationException)
        {
            // A member name that is not text (an unpaired surrogate escape): named below.
            error = InvalidText(body) ?? new RequestScanError("the request body has a member name that is not valid text", RequestScanError.InvalidEncoding);
            return null;
        }
        catch (JsonException ex)
        {
            error = new RequestScanError(
                $"the request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}): {ex.Message.Split(" LineNumber", 2)[0]}",
                RequestScanError.InvalidJson);
            return null;
        }
        finally
        {
            keys.Dispose();
        }

        error = InvalidText(body);
        return error is null ? facts : null;
    }

    private static RequestScanError? InvalidText(ReadOnlySpan<byte> body) =>
        JsonTextCheck.FindInvalidText(body) is { } path
            ? new RequestScanError(
                $"{path} is not valid text: the body has bytes that are not UTF-8, or an escaped surrogate (\\ud800–\\udfff) without its pair. Send UTF-8 JSON.",
                RequestScanError.InvalidEncoding, path)
            : null;

    /// <summary>Reads one top-level member (the reader is on its name); an error when its value is refused.</summary>
    private static RequestScanError? ReadMember(ref Utf8JsonReader reader, RequestFacts facts)
    {
        if (reader.ValueTextEquals("model"u8))
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && TryGetText(ref reader, out var model))
            {
                facts.Model = model;
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
        else if (reader.ValueTextEquals("max_tokens"u8))
        {
            var error = ReadLimit(ref reader, "max_tokens", 1, MaxTokenLimit, out var value);
            facts.MaxTokens = value ?? facts.MaxTokens;
            return error;
        }
        else if (reader.ValueTextEquals("max_completion_tokens"u8))
        {
            var error = ReadLimit(ref reader, "max_completion_tokens", 1, MaxTokenLimit, out var value);
            facts.MaxCompletionTokens = value ?? facts.MaxCompletionTokens;
            return error;
        }
        else if (reader.ValueTextEquals("max_output_tokens"u8))
        {
            var error = ReadLimit(ref reader, "max_output_tokens", 1, MaxTokenLimit, out var value);
            facts.MaxOutputTokens = value ?? facts.MaxOutputTokens;
            return error;
        }
        else if (reader.ValueTextEquals("n"u8))
        {
            var error = ReadLimit(ref reader, "n", 1, MaxChoices, out var value);
            facts.Choices = (int)(value ?? facts.Choices);
            return error;
        }
        else if (reader.ValueTextEquals("thinking_budget"u8))
        {
            var error = ReadLimit(ref reader, "thinking_budget", 0, MaxTokenLimit, out var value);
            facts.ThinkingBudget = value ?? facts.ThinkingBudget;
            return error;
        }
        else if (reader.ValueTextEquals("thinking"u8))
        {
            // Anthropic: {"type":"enabled","budget_tokens":N}.
            var error = ReadNestedLimit(ref reader, "thinking", "budget_tokens"u8, "thinking.budget_tokens", out var value);
            facts.ThinkingBudget = value ?? facts.ThinkingBudget;
            return error;
        }
        else if (reader.ValueTextEquals("reasoning"u8))
        {
            // OpenRouter: {"reasoning":{"max_tokens":N}}.
            var error = ReadNestedLimit(ref reader, "reasoning", "max_tokens"u8, "reasoning.max_tokens", out var value);
            facts.ReasoningMaxTokens = value ?? facts.ReasoningMaxTokens;
            return error;
        }
        else if (reader.ValueTextEquals("logprobs"u8) || reader.ValueTextEquals("top_logprobs"u8))
        {
            reader.Read();
            facts.LogprobsRequested |= reader.TokenType is JsonTokenType.True or JsonTokenType.Number;
            reader.Skip();
        }
        else if (reader.ValueTextEquals("previous_response_id"u8))
        {
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            facts.PreviousResponseIdValue = new Range(start, (int)reader.BytesConsumed);
        }
        else if (reader.ValueTextEquals("prompt_cache_key"u8))
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && TryGetText(ref reader, out var key))
            {
                facts.PromptCacheKey = key;
            }
            else
            {
                reader.Skip();
            }
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

        return null;
    }

    /// <summary>
    /// A token limit: absent or null, or a whole number in [<paramref name="min"/>, <paramref name="max"/>].
    /// Anything else is refused, since an upstream may read a string or a fraction its own way.
    /// </summary>
    private static RequestScanError? ReadLimit(ref Utf8JsonReader reader, string field, long min, long max, out long? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && number >= min && number <= max)
        {
            value = number;
            return null;
        }

        var got = reader.TokenType switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            _ => Shorten(System.Text.Encoding.UTF8.GetString(reader.ValueSpan)),
        };
        reader.Skip();
        return new RequestScanError(
            $"{field} must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (got {got}).",
            RequestScanError.InvalidValue, field);
    }

    /// <summary>A token limit inside an object member (e.g. <c>thinking.budget_tokens</c>); other members are skipped.</summary>
    private static RequestScanError? ReadNestedLimit(ref Utf8JsonReader reader, string parent, ReadOnlySpan<byte> name, string qualifiedName, out long? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var keys = default(DuplicateKeyDetector);
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // An error ends the whole scan, so the rest of the object is left unread.
                if (!keys.Add(ref reader))
                {
                    return Duplicate(reader.GetString()!, parent);
                }

                if (reader.ValueTextEquals(name))
                {
                    if (ReadLimit(ref reader, qualifiedName, 0, MaxTokenLimit, out value) is { } invalid)
                    {
                        return invalid;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        finally
        {
            keys.Dispose();
        }

        return null;
    }

    private static RequestScanError Duplicate(string name, string? parent)
    {
        var field = parent is null ? name : $"{parent}.{name}";
        return new RequestScanError(
            $"the member '{field}' appears more than once; send each member once (parsers disagree on which copy counts).",
            RequestScanError.DuplicateKey, field);
    }

    private static bool TryGetText(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // Not valid text; JsonTextCheck names the field once the scan is done.
            text = null;
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static void ReadStreamOptions(ref Utf8JsonReader reader, RequestFacts facts)
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
