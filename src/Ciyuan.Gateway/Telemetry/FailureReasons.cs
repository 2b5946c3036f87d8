using Ciyuan.Core.Providers;

namespace Ciyuan.Gateway.Telemetry;

/// <summary>A failure kind as a label value: a small fixed vocabulary, lowercase with underscores.</summary>
internal static class FailureReasons
{
    public static string Of(ProviderFailureKind kind) => kind switch
    {
        ProviderFailureKind.BadRequest => "bad_request",
        ProviderFailureKind.Authentication => "authentication",
        ProviderFailureKind.OutOfBalance => "out_of_balance",
        ProviderFailureKind.PermissionDenied => "permission_denied",
        ProviderFailureKind.NotFound => "not_found",
        ProviderFailureKind.RateLimited => "rate_limited",
        ProviderFailureKind.ContentFiltered => "content_filtered",
        ProviderFailureKind.ContextTooLong => "context_too_long",
        ProviderFailureKind.Overloaded => "overloaded",
        ProviderFailureKind.UpstreamError => "upstream_error",
        ProviderFailureKind.Unreachable => "unreachable",
        ProviderFailureKind.Timeout => "timeout",
        _ => "other",
    };
}
