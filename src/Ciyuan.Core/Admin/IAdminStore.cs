using Ciyuan.Core.Keys;

namespace Ciyuan.Core.Admin;

/// <summary>Durable admin tokens and dashboard sessions, shared by every instance of one store.</summary>
public interface IAdminStore
{
    Task CreateTokenAsync(AdminToken token, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminToken>> ListTokensAsync(CancellationToken cancellationToken);

    /// <summary>The token with this hash, revoked or not; null when there is none.</summary>
    Task<AdminToken?> FindTokenAsync(KeyHash hash, CancellationToken cancellationToken);

    /// <summary>Marks the token revoked and ends its sessions; false when no such token exists.</summary>
    Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Stores a new session (and forgets sessions that expired before <see cref="AdminSession.CreatedAt"/>).</summary>
    Task CreateSessionAsync(AdminSession session, CancellationToken cancellationToken);

    /// <summary>The session with this id hash if it has not expired at <paramref name="now"/>; null otherwise.</summary>
    Task<AdminSession?> FindSessionAsync(KeyHash idHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends a session; false when there was none.</summary>
    Task<bool> DeleteSessionAsync(KeyHash idHash, CancellationToken cancellationToken);
}
