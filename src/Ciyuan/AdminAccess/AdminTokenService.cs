using System.Security.Cryptography;
using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;

namespace Ciyuan.AdminAccess;

/// <summary>Creating, listing and revoking admin tokens (<c>ciyuan admins</c>).</summary>
internal sealed class AdminTokenService(IAdminStore store, TimeProvider time)
{
    /// <summary>Admin tokens start with this, so they are told apart from client keys (<c>cy-</c>) at a glance.</summary>
    public const string SecretPrefix = "cya-";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Creates a token; the secret is returned once and only its hash is stored.</summary>
    public async Task<(AdminToken Token, string Secret)> CreateAsync(string name, AdminRole role, CancellationToken cancellationToken)
    {
        var secret = SecretPrefix + RandomNumberGenerator.GetString(Alphabet, 40);
        var token = new AdminToken
        {
            Id = "adm_" + RandomNumberGenerator.GetString(Alphabet, 12),
            Name = name,
            Role = role,
            Hash = KeyHash.Of(secret),
            Prefix = secret[..10],
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateTokenAsync(token, cancellationToken).ConfigureAwait(false);
        return (token, secret);
    }

    public Task<IReadOnlyList<AdminToken>> ListAsync(CancellationToken cancellationToken) => store.ListTokensAsync(cancellationToken);

    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken) => store.RevokeTokenAsync(id, time.GetUtcNow(), cancellationToken);
}
