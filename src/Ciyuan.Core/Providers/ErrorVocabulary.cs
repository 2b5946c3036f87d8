using System.Collections.Frozen;

namespace Ciyuan.Core.Providers;

/// <summary>
/// One vocabulary for upstream failures, whatever the vendor: DeepSeek's 402, Kimi's 429
/// <c>exceeded_current_quota_error</c>, Qwen's 400 <c>Arrearage</c>, Doubao's 403
/// <c>AccountOverdueError</c> and MiniMax's <c>base_resp</c> 1008 all reach the client as the same
/// "out of balance" error, so a client can act on the condition rather than on the vendor. The
/// vendor's own code travels beside it as <c>provider_code</c>. Failures caused by Ciyuan's own
/// account or configuration (credentials, permissions, an unknown upstream model) are 502s: the
/// caller's key and request are fine, the operator has to act.
/// </summary>
public static class ErrorVocabulary
{
    /// <summary>Sent as <c>Retry-After</c> on a vendor rate limit that did not say how long to wait.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly FrozenDictionary<ProviderFailureKind, ClientError> ByKind = new Dictionary<ProviderFailureKind, ClientError>
    {
        [ProviderFailureKind.OutOfBalance] = new(429, "insufficient_quota", "insufficient_quota", 402, "billing_error"),
        [ProviderFailureKind.ContentFiltered] = new(400, "invalid_request_error", "content_filter", 400, "invalid_request_error"),
        [ProviderFailureKind.ContextTooLong] = new(400, "invalid_request_error", "context_length_exceeded", 400, "invalid_request_error"),
        [ProviderFailureKind.RateLimited] = new(429, "rate_limit_error", "rate_limit_exceeded", 429, "rate_limit_error"),
        [ProviderFailureKind.Authentication] = new(502, "upstream_error", "upstream_auth_failed", 502, "api_error"),
        [ProviderFailureKind.PermissionDenied] = new(502, "upstream_error", "upstream_permission_denied", 502, "api_error"),
        [ProviderFailureKind.NotFound] = new(502, "upstream_error", "upstream_model_not_found", 502, "api_error"),
        [ProviderFailureKind.BadRequest] = new(400, "invalid_request_error", "upstream_rejected_request", 400, "invalid_request_error"),
        [ProviderFailureKind.Overloaded] = new(503, "upstream_error", "upstream_overloaded", 529, "overloaded_error"),
        [ProviderFailureKind.UpstreamError] = new(502, "upstream_error", "upstream_error", 502, "api_error"),
        [ProviderFailureKind.Unreachable] = new(502, "upstream_error", "upstream_unreachable", 502, "api_error"),
        [ProviderFailureKind.Timeout] = new(504, "upstream_error", "upstream_timeout", 504, "timeout_error"),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ClientError> ByCode =
        ByKind.Values.ToFrozenDictionary(static entry => entry.Code, StringComparer.Ordinal);

    /// <summary>Every kind with its client error, for documentation and tests.</summary>
    public static IReadOnlyDictionary<ProviderFailureKind, ClientError> All => ByKind;

    public static ClientError For(ProviderFailureKind kind) => ByKind[kind];

    /// <summary>The entry whose <see cref="ClientError.Code"/> is <paramref name="code"/>; null for codes outside the vocabulary.</summary>
    public static ClientError? ForCode(string? code) => code is not null && ByCode.TryGetValue(code, out var entry) ? entry : null;

    /// <summary>What the vendor called the condition: its code, else its error type, else the HTTP status it answered with.</summary>
    public static string? ProviderCodeOf(ProviderFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.UpstreamCode ?? failure.UpstreamType ?? failure.UpstreamStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
