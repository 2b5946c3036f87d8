namespace Ciyuan.Core.Providers;

/// <summary>A failed upstream call, as a value: the caller decides whether to fall back.</summary>
public sealed record ProviderFailure(
    ProviderFailureKind Kind,
    int? UpstreamStatus,
    string Message,
    string? UpstreamCode = null,
    string? UpstreamType = null,
    TimeSpan? RetryAfter = null)
{
    /// <summary>The scheme and authority that was dialled (e.g. <c>https://api.deepseek.com</c>), so errors name the host actually used.</summary>
    public string? Host { get; init; }

    /// <summary>True for failures another attempt (elsewhere or later) may cure.</summary>
    public bool IsRetryable => Kind is ProviderFailureKind.RateLimited or ProviderFailureKind.Overloaded
        or ProviderFailureKind.UpstreamError or ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout;
}
