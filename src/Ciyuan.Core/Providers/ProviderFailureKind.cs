namespace Ciyuan.Core.Providers;

/// <summary>
/// Why an upstream call failed, classified from the body's code and not only the HTTP status,
/// so routing can retry what is worth retrying and never retry a balance error.
/// </summary>
public enum ProviderFailureKind
{
    /// <summary>The request itself is wrong; retrying anywhere gives the same answer.</summary>
    BadRequest,

    /// <summary>The provider rejected our credentials.</summary>
    Authentication,

    /// <summary>The account has no balance or quota left.</summary>
    OutOfBalance,

    /// <summary>The key or account may not use this model.</summary>
    PermissionDenied,

    NotFound,

    RateLimited,

    ContentFiltered,

    ContextTooLong,

    /// <summary>The provider says it is overloaded (retry elsewhere).</summary>
    Overloaded,

    /// <summary>The provider failed with a 5xx or a garbled answer.</summary>
    UpstreamError,

    /// <summary>No connection could be made.</summary>
    Unreachable,

    /// <summary>No answer within the deadline.</summary>
    Timeout,
}
