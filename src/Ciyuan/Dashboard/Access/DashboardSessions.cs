using Ciyuan.AdminAccess;
using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;

namespace Ciyuan.Dashboard.Access;

/// <summary>
/// Signing in to the dashboard with the master key or an admin token, and finding the session a
/// request carries. The secret is used once, to create the session; the browser keeps only the
/// session id, and the store only its hash.
/// </summary>
internal sealed class DashboardSessions(AdminAuthenticator authenticator, IAdminStore store, TimeProvider time)
{
    /// <summary>A new session for the secret, or null when it is not the master key or an active admin token.</summary>
    public async Task<(AdminSession Session, string Id)?> SignInAsync(string secret, CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(secret, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return null;
        }

        var id = SessionCookie.NewId();
        var now = time.GetUtcNow();
        var session = new AdminSession
        {
            IdHash = KeyHash.Of(id),
            TokenId = caller.TokenId,
            Subject = caller.Subject,
            Role = caller.Role,
            CsrfToken = SessionCookie.NewCsrfToken(),
            CreatedAt = now,
            ExpiresAt = now + SessionCookie.Lifetime,
        };
        await store.CreateSessionAsync(session, cancellationToken).ConfigureAwait(false);
        return (session, id);
    }

    /// <summary>The live session of the request's cookie, or null.</summary>
    public async Task<AdminSession?> FindAsync(HttpRequest request, CancellationToken cancellationToken) =>
        SessionCookie.Read(request) is { } id
            ? await store.FindSessionAsync(KeyHash.Of(id), time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
            : null;

    public Task SignOutAsync(AdminSession session, CancellationToken cancellationToken) => store.DeleteSessionAsync(session.IdHash, cancellationToken);
}
