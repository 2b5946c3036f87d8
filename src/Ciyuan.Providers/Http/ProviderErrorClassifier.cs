using System.Collections.Frozen;
using Ciyuan.Core.Providers;

namespace Ciyuan.Providers.Http;

/// <summary>
/// Maps an upstream error to a <see cref="ProviderFailureKind"/>: first by the vendor's code in the
/// body (a 429 may be a balance error, a 400 a content filter), then by HTTP status. Numeric codes
/// that two vendors use differently (GLM 1002 is auth, MiniMax 1002 a rate limit) are left out, so
/// the HTTP status decides them.
/// </summary>
public static class ProviderErrorClassifier
{
    private static readonly FrozenDictionary<string, ProviderFailureKind> ByCode = new Dictionary<string, ProviderFailureKind>(StringComparer.OrdinalIgnoreCase)
    {
        // Balance and quota.
        ["insufficient_quota"] = ProviderFailureKind.OutOfBalance,
        ["exceeded_current_quota_error"] = ProviderFailureKind.OutOfBalance,
        ["Arrearage"] = ProviderFailureKind.OutOfBalance,
        ["1113"] = ProviderFailureKind.OutOfBalance,
        ["minimax:1008"] = ProviderFailureKind.OutOfBalance,
        ["AccountOverdueError"] = ProviderFailureKind.OutOfBalance,
        ["billing_error"] = ProviderFailureKind.OutOfBalance,

        // Content filters.
        ["content_filter"] = ProviderFailureKind.ContentFiltered,
        ["data_inspection_failed"] = ProviderFailureKind.ContentFiltered,
        ["1301"] = ProviderFailureKind.ContentFiltered,
        ["minimax:1026"] = ProviderFailureKind.ContentFiltered,
        ["minimax:1027"] = ProviderFailureKind.ContentFiltered,
        ["InputTextRiskDetection"] = ProviderFailureKind.ContentFiltered,
        ["InputImageRiskDetection"] = ProviderFailureKind.ContentFiltered,
        ["OutputTextRiskDetection"] = ProviderFailureKind.ContentFiltered,
        ["InputTextSensitiveContentDetected"] = ProviderFailureKind.ContentFiltered,
        ["InputImageSensitiveContentDetected"] = ProviderFailureKind.ContentFiltered,
        ["OutputTextSensitiveContentDetected"] = ProviderFailureKind.ContentFiltered,

        // Context length.
        ["context_length_exceeded"] = ProviderFailureKind.ContextTooLong,
        ["1261"] = ProviderFailureKind.ContextTooLong,
        ["minimax:1039"] = ProviderFailureKind.ContextTooLong,
        ["tokens_too_long"] = ProviderFailureKind.ContextTooLong,
        ["characters_too_long"] = ProviderFailureKind.ContextTooLong,

        // Rate limits and overload.
        ["rate_limit_exceeded"] = ProviderFailureKind.RateLimited,
        ["rate_limit_reached_error"] = ProviderFailureKind.RateLimited,
        ["rate_limit_error"] = ProviderFailureKind.RateLimited,
        ["minimax:1041"] = ProviderFailureKind.RateLimited,
        ["minimax:1002"] = ProviderFailureKind.RateLimited,
        ["minimax:1004"] = ProviderFailureKind.Authentication,
        ["1302"] = ProviderFailureKind.RateLimited,
        ["1303"] = ProviderFailureKind.RateLimited,
        ["1304"] = ProviderFailureKind.RateLimited,
        ["1305"] = ProviderFailureKind.RateLimited,
        ["rpm_rate_limit_exceeded"] = ProviderFailureKind.RateLimited,
        ["Throttling.AllocationQuota"] = ProviderFailureKind.OutOfBalance,
        ["QuotaExceeded"] = ProviderFailureKind.OutOfBalance,
        ["1308"] = ProviderFailureKind.OutOfBalance,
        ["1309"] = ProviderFailureKind.OutOfBalance,
        ["1310"] = ProviderFailureKind.OutOfBalance,
        ["minimax:1001"] = ProviderFailureKind.Timeout,
        ["minimax:1033"] = ProviderFailureKind.UpstreamError,
        ["minimax:1000"] = ProviderFailureKind.UpstreamError,
        ["minimax:1024"] = ProviderFailureKind.UpstreamError,
        ["minimax:2013"] = ProviderFailureKind.BadRequest,
        ["InternalServiceError"] = ProviderFailureKind.UpstreamError,
        ["tpm_rate_limit_exceeded"] = ProviderFailureKind.RateLimited,
        ["Throttling.RateQuota"] = ProviderFailureKind.RateLimited,
        ["limit_requests"] = ProviderFailureKind.RateLimited,
        ["RateLimitExceeded.EndpointRPMExceeded"] = ProviderFailureKind.RateLimited,
        ["RateLimitExceeded.EndpointTPMExceeded"] = ProviderFailureKind.RateLimited,
        ["engine_overloaded_error"] = ProviderFailureKind.Overloaded,
        ["overloaded_error"] = ProviderFailureKind.Overloaded,
        ["ServerOverloaded"] = ProviderFailureKind.Overloaded,
        ["1312"] = ProviderFailureKind.Overloaded,

        // Authentication and permission.
        ["invalid_api_key"] = ProviderFailureKind.Authentication,
        ["invalid_authentication_error"] = ProviderFailureKind.Authentication,
        ["incorrect_api_key_error"] = ProviderFailureKind.Authentication,
        ["authentication_error"] = ProviderFailureKind.Authentication,
        ["AuthenticationError"] = ProviderFailureKind.Authentication,
        ["1004"] = ProviderFailureKind.Authentication,
        ["permission_denied_error"] = ProviderFailureKind.PermissionDenied,
        ["permission_error"] = ProviderFailureKind.PermissionDenied,
        ["ModelNotOpen"] = ProviderFailureKind.PermissionDenied,
        ["1220"] = ProviderFailureKind.PermissionDenied,
        ["AccessDenied"] = ProviderFailureKind.PermissionDenied,
        ["1211"] = ProviderFailureKind.NotFound,
        ["model_not_found"] = ProviderFailureKind.NotFound,
        ["not_found_error"] = ProviderFailureKind.NotFound,
        ["resource_not_found_error"] = ProviderFailureKind.NotFound,
        ["invalid_model"] = ProviderFailureKind.NotFound,
        ["InvalidEndpointOrModel.NotFound"] = ProviderFailureKind.NotFound,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static ProviderFailureKind Classify(int status, string? code, string? type, string? message)
    {
        if (code is not null && ByCode.TryGetValue(code, out var byCode))
        {
            return byCode;
        }

        if (type is not null && ByCode.TryGetValue(type, out var byType))
        {
            return byType;
        }

        if (message is not null)
        {
            if (message.Contains("Insufficient Balance", StringComparison.OrdinalIgnoreCase))
            {
                return ProviderFailureKind.OutOfBalance;
            }

            if (message.Contains("Content Exists Risk", StringComparison.OrdinalIgnoreCase))
            {
                return ProviderFailureKind.ContentFiltered;
            }

            if (message.Contains("token limit", StringComparison.OrdinalIgnoreCase) || message.Contains("context length", StringComparison.OrdinalIgnoreCase)
                || message.Contains("Range of input length", StringComparison.OrdinalIgnoreCase)
                || message.Contains("Input token length too long", StringComparison.OrdinalIgnoreCase)
                || message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase))
            {
                return ProviderFailureKind.ContextTooLong;
            }
        }

        return status switch
        {
            401 => ProviderFailureKind.Authentication,
            402 => ProviderFailureKind.OutOfBalance,
            403 => ProviderFailureKind.PermissionDenied,
            404 => ProviderFailureKind.NotFound,
            408 => ProviderFailureKind.Timeout,
            429 => ProviderFailureKind.RateLimited,
            451 => ProviderFailureKind.ContentFiltered,
            503 or 529 => ProviderFailureKind.Overloaded,
            >= 500 => ProviderFailureKind.UpstreamError,
            _ => ProviderFailureKind.BadRequest,
        };
    }
}
