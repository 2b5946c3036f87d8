using Ciyuan.Core.Providers;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>How an upstream failure is told to an OpenAI-dialect client.</summary>
internal static class FailureResponses
{
    public static OpenAIError ToOpenAI(ProviderFailure failure, string provider) => failure.Kind switch
    {
        ProviderFailureKind.Unreachable => new OpenAIError(StatusCodes.Status502BadGateway, failure.Message, "upstream_error", "upstream_unreachable"),
        ProviderFailureKind.Timeout => new OpenAIError(StatusCodes.Status504GatewayTimeout, failure.Message, "upstream_error", "upstream_timeout"),

        // The provider rejected Ciyuan's own credentials: that is the operator's problem, not the
        // caller's key, so it must not look like a 401 to the client.
        ProviderFailureKind.Authentication => new OpenAIError(StatusCodes.Status502BadGateway,
            $"provider '{provider}' rejected the gateway's credentials: {failure.Message}", "upstream_error", "upstream_authentication"),
        _ => new OpenAIError(
            failure.UpstreamStatus is >= 400 and < 600 ? failure.UpstreamStatus.Value : StatusCodes.Status502BadGateway,
            $"provider '{provider}' answered: {failure.Message}",
            failure.UpstreamType ?? TypeOf(failure.Kind),
            failure.UpstreamCode ?? CodeOf(failure.Kind)),
    };

    private static string TypeOf(ProviderFailureKind kind) => kind switch
    {
        ProviderFailureKind.RateLimited => "rate_limit_error",
        ProviderFailureKind.OutOfBalance => "insufficient_quota",
        ProviderFailureKind.PermissionDenied => "permission_error",
        ProviderFailureKind.BadRequest or ProviderFailureKind.ContextTooLong or ProviderFailureKind.ContentFiltered or ProviderFailureKind.NotFound => "invalid_request_error",
        _ => "upstream_error",
    };

    private static string CodeOf(ProviderFailureKind kind) => kind switch
    {
        ProviderFailureKind.RateLimited => "rate_limit_exceeded",
        ProviderFailureKind.OutOfBalance => "insufficient_quota",
        ProviderFailureKind.ContextTooLong => "context_length_exceeded",
        ProviderFailureKind.ContentFiltered => "content_filter",
        ProviderFailureKind.Overloaded => "overloaded",
        _ => "upstream_error",
    };
}
