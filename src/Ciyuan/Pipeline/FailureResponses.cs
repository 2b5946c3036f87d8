using Ciyuan.Core.Providers;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// How an upstream failure is told to a client: Ciyuan's code and status from the
/// <see cref="ErrorVocabulary"/>, the provider's own message, the host that was dialled, and the
/// vendor's code as <c>provider_code</c>. Each door writes it in its own shape.
/// </summary>
internal static class FailureResponses
{
    public static OpenAIError ToOpenAI(ProviderFailure failure, string provider)
    {
        var entry = ErrorVocabulary.For(failure.Kind);
        var where = failure.Host is { } host ? $"provider '{provider}' at {host}" : $"provider '{provider}'";
        var message = failure.Kind switch
        {
            // The provider rejected Ciyuan's own credentials: that is the operator's problem, not the
            // caller's key, so it must not look like a 401 to the client.
            ProviderFailureKind.Authentication => $"{where} rejected the gateway's credentials: {failure.Message}",
            ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout => failure.Message,
            _ => $"{where} answered: {failure.Message}",
        };
        return new OpenAIError(entry.Status, message, entry.OpenAIType, entry.Code)
        {
            Provider = provider,
            ProviderCode = ErrorVocabulary.ProviderCodeOf(failure),
            RetryAfter = failure.RetryAfter ?? (failure.Kind == ProviderFailureKind.RateLimited ? ErrorVocabulary.DefaultRetryAfter : null),
        };
    }
}
