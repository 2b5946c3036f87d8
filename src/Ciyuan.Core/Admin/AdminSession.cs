using Ciyuan.Core.Keys;

namespace Ciyuan.Core.Admin;

/// <summary>
/// A signed-in dashboard session. The browser holds only the session id (in an HttpOnly cookie);
/// the store keeps its hash, so neither the master key nor a usable id rests in the database.
/// </summary>
public sealed record AdminSession
{
    public required KeyHash IdHash { get; init; }

    /// <summary>The admin token that signed in, or null for the master key.</summary>
    public string? TokenId { get; init; }

    /// <summary>Who signed in, as shown in the dashboard: the token's name, or <c>master key</c>.</summary>
    public required string Subject { get; init; }

    public required AdminRole Role { get; init; }

    /// <summary>Sent back by the page in <c>X-CSRF-Token</c> on every change; a change without it is refused.</summary>
    public required string CsrfToken { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
