using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Client;
using Ciyuan.Protocols.Anthropic;

namespace Ciyuan.Http;

/// <summary>Writes <c>{"type":"error","error":{"type","message"}}</c> on the Anthropic routes.</summary>
internal static class AnthropicErrorWriter
{
    public static Task WriteAsync(HttpContext context, int status, string? type, string message, TimeSpan? retryAfter = null) =>
        WriteAsync(context, status, type, message, retryAfter, provider: null);

    /// <summary>
    /// The same error in the dialect's terms, from an OpenAI-route error: an upstream failure takes
    /// the Anthropic status and type of its <see cref="ErrorVocabulary"/> entry (out of balance is a
    /// 402 <c>billing_error</c> here, a 429 <c>insufficient_quota</c> at the OpenAI door).
    /// </summary>
    public static Task WriteAsync(HttpContext context, OpenAIError error)
    {
        if (error.Provider is { } provider && ErrorVocabulary.ForCode(error.Code) is { } entry)
        {
            return WriteAsync(context, entry.AnthropicStatus, entry.AnthropicType, error.Message, error.RetryAfter,
                new ProviderErrorFields(entry.Code, provider, error.ProviderCode));
        }

        return WriteAsync(context, AnthropicErrors.StatusFor(error.Status), error.Code ?? error.Type, error.Message, error.RetryAfter, provider: null);
    }

    private static async Task WriteAsync(HttpContext context, int status, string? type, string message, TimeSpan? retryAfter, ProviderErrorFields? provider)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var requestId = context.Response.Headers[CiyuanHeaders.RequestId].ToString();
        var body = AnthropicErrors.Body(status, type, message, requestId.Length == 0 ? null : requestId, provider);
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
