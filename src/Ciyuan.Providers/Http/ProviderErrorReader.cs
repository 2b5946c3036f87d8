using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Providers;

namespace Ciyuan.Providers.Http;

/// <summary>
/// Turns an upstream error response into a <see cref="ProviderFailure"/>. Reads every error shape
/// seen in the OpenAI-compatible world: <c>{"error":{...}}</c>, vLLM/SGLang's flat
/// <c>{"object":"error",...}</c>, MiniMax's <c>base_resp</c>, and Anthropic's <c>{"type":"error"}</c>.
/// </summary>
public static class ProviderErrorReader
{
    public static ProviderFailure Read(int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        var (message, code, type) = Extract(body);
        if (code is not null && body.IndexOf("\"base_resp\""u8) >= 0)
        {
            // Only MiniMax answers with base_resp; its numeric codes mean other things at other vendors.
            code = "minimax:" + code;
        }

        message ??= body.IsEmpty ? $"HTTP {status} with an empty body" : Truncate(System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]));
        var kind = ProviderErrorClassifier.Classify(status, code, type, message);
        return new ProviderFailure(kind, status, message, code?.Replace("minimax:", string.Empty, StringComparison.Ordinal), type, retryAfter);
    }

    public static TimeSpan? ParseRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static (string? Message, string? Code, string? Type) Extract(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            string? message = null, code = null, type = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadFields(ref reader, ref message, ref code, ref type);
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        message = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("base_resp"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadFields(ref reader, ref message, ref code, ref type);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("msg"u8))
                {
                    reader.Read();
                    message ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    code ??= ScalarText(ref reader);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return (message is null ? null : Truncate(message), code, type == "error" ? null : type);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static void ReadFields(ref Utf8JsonReader reader, ref string? message, ref string? code, ref string? type)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("status_msg"u8))
            {
                reader.Read();
                message = reader.TokenType == JsonTokenType.String ? reader.GetString() : message;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("code"u8) || reader.ValueTextEquals("status_code"u8))
            {
                reader.Read();
                code = ScalarText(ref reader) ?? code;
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : type;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string? ScalarText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var number) ? number.ToString(CultureInfo.InvariantCulture) : null;
            default:
                reader.Skip();
                return null;
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";

}
