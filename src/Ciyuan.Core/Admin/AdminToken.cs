using Ciyuan.Core.Keys;

namespace Ciyuan.Core.Admin;

/// <summary>
/// A token an operator signs in with instead of the master key, stored as its hash (like client
/// keys) so a copy of the database gives nobody access.
/// </summary>
public sealed record AdminToken
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required AdminRole Role { get; init; }

    public required KeyHash Hash { get; init; }

    /// <summary>The first characters of the token, enough to recognise it in a list.</summary>
    public required string Prefix { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsRevoked => RevokedAt is not null;
}
