using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ciyuan.Http;

/// <summary>Writes <c>{"error":{"message","type","param","code"}}</c>, the shape OpenAI SDKs parse.</summary>
internal static class OpenAIErrorWriter
{
    public static async Task WriteAsync(HttpContext context, OpenAIError error, string? provider = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.Status;
        if (error.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        WriteBody(buffer, error, provider);
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The same object as a stream event body, for failures after a stream has begun.</summary>
    public static byte[] ToBytes(OpenAIError error, string? provider = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        WriteBody(buffer, error, provider);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteBody(System.Buffers.IBufferWriter<byte> buffer, OpenAIError error, string? provider)
    {
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", error.Message);
        json.WriteString("type", error.Type);
        if (error.Param is null)
        {
            json.WriteNull("param");
        }
        else
        {
            json.WriteString("param", error.Param);
        }

        if (error.Code is null)
        {
            json.WriteNull("code");
        }
        else
        {
            json.WriteString("code", error.Code);
        }

        if ((error.Provider ?? provider) is { } name)
        {
            json.WriteString("provider", name);
            if (error.ProviderCode is { } providerCode)
            {
                json.WriteString("provider_code", providerCode);
            }
            else
            {
                json.WriteNull("provider_code");
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
