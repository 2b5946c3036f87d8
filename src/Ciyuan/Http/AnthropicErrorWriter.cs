using Ciyuan.Protocols.Anthropic;

namespace Ciyuan.Http;

/// <summary>Writes <c>{"type":"error","error":{"type","message"}}</c> on the Anthropic routes.</summary>
internal static class AnthropicErrorWriter
{
    public static async Task WriteAsync(HttpContext context, int status, string? type, string message, TimeSpan? retryAfter = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var requestId = context.Response.Headers[CiyuanHeaders.RequestId].ToString();
        var body = AnthropicErrors.Body(status, type, message, requestId.Length == 0 ? null : requestId);
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The same error in the dialect's terms, from an OpenAI-route error.</summary>
    public static Task WriteAsync(HttpContext context, OpenAIError error) =>
        WriteAsync(context, AnthropicErrors.StatusFor(error.Status), error.Code ?? error.Type, error.Message, error.RetryAfter);
}
