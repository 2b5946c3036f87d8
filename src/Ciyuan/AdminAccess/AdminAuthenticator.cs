using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;
using Microsoft.Net.Http.Headers;

namespace Ciyuan.AdminAccess;

/// <summary>
/// Tells who an admin secret belongs to: the master key, or an active admin token (looked up by
/// hash, so a revocation by another process applies at the next call).
/// </summary>
internal sealed class AdminAuthenticator(MasterKey masterKey, IAdminStore store)
{
    /// <summary>The one documented way to send an admin secret: <c>Authorization: Bearer SECRET</c>.</summary>
    public static ReadOnlySpan<char> BearerOf(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count == 1 && authorization[0] is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return span[7..].Trim();
            }
        }

        return [];
    }

    /// <summary>The caller a secret names, or null (no master key set, unknown or revoked token).</summary>
    public async Task<AdminCaller?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!masterKey.IsSet || secret.Length == 0)
        {
            return null;
        }

        if (masterKey.Matches(secret))
        {
            return AdminCaller.Master;
        }

        if (!secret.StartsWith(AdminTokenService.SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var token = await store.FindTokenAsync(KeyHash.Of(secret), cancellationToken).ConfigureAwait(false);
        return token is { IsRevoked: false } ? new AdminCaller(token.Role, token.Name, token.Id) : null;
    }
}
