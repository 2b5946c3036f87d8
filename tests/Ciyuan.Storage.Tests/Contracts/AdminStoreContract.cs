using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>Admin tokens and dashboard sessions: the same answers from every backend, shared by every instance.</summary>
public abstract class AdminStoreContract : StorageContract
{
    [Fact]
    public async Task Tokens_CreateFindListRevoke_KeepEveryField()
    {
        var store = await OpenAsync();
        var viewer = Token("adm_1", "cya-viewer", AdminRole.Viewer);
        var admin = Token("adm_2", "cya-admin", AdminRole.Admin, Now.AddMinutes(1));

        await store.Admins.CreateTokenAsync(viewer, CancellationToken.None);
        await store.Admins.CreateTokenAsync(admin, CancellationToken.None);
        var found = await store.Admins.FindTokenAsync(KeyHash.Of("cya-viewer"), CancellationToken.None);
        var unknown = await store.Admins.FindTokenAsync(KeyHash.Of("cya-nobody"), CancellationToken.None);
        var revoked = await store.Admins.RevokeTokenAsync("adm_1", Now.AddHours(1), CancellationToken.None);
        var missing = await store.Admins.RevokeTokenAsync("adm_nope", Now, CancellationToken.None);
        var list = await store.Admins.ListTokensAsync(CancellationToken.None);

        Assert.Equal(viewer, found);
        Assert.Null(unknown);
        Assert.True(revoked);
        Assert.False(missing);
        Assert.Equal([viewer with { RevokedAt = Now.AddHours(1) }, admin], list);
    }

    [Fact]
    public async Task Sessions_FoundUntilTheyExpireOrAreDeleted()
    {
        var store = await OpenAsync();
        var session = Session("s1", tokenId: null, expires: Now.AddHours(8));
        await store.Admins.CreateSessionAsync(session, CancellationToken.None);

        var live = await store.Admins.FindSessionAsync(KeyHash.Of("s1"), Now.AddHours(1), CancellationToken.None);
        var expired = await store.Admins.FindSessionAsync(KeyHash.Of("s1"), Now.AddHours(8), CancellationToken.None);
        var deleted = await store.Admins.DeleteSessionAsync(KeyHash.Of("s1"), CancellationToken.None);
        var again = await store.Admins.DeleteSessionAsync(KeyHash.Of("s1"), CancellationToken.None);
        var gone = await store.Admins.FindSessionAsync(KeyHash.Of("s1"), Now, CancellationToken.None);

        Assert.Equal(session, live);
        Assert.Null(expired);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(gone);
    }

    [Fact]
    public async Task RevokeToken_EndsItsSessionsOnly()
    {
        var store = await OpenAsync();
        await store.Admins.CreateTokenAsync(Token("adm_1", "cya-one", AdminRole.Admin), CancellationToken.None);
        await store.Admins.CreateSessionAsync(Session("by-token", "adm_1", Now.AddHours(8)), CancellationToken.None);
        await store.Admins.CreateSessionAsync(Session("by-master", null, Now.AddHours(8)), CancellationToken.None);

        await store.Admins.RevokeTokenAsync("adm_1", Now, CancellationToken.None);

        Assert.Null(await store.Admins.FindSessionAsync(KeyHash.Of("by-token"), Now, CancellationToken.None));
        Assert.NotNull(await store.Admins.FindSessionAsync(KeyHash.Of("by-master"), Now, CancellationToken.None));
    }

    [Fact]
    public async Task Sessions_MadeByOneInstance_AreSeenAndEndedByAnother()
    {
        var first = await OpenAsync();
        await first.Admins.CreateTokenAsync(Token("adm_1", "cya-one", AdminRole.Viewer), CancellationToken.None);
        await first.Admins.CreateSessionAsync(Session("s1", "adm_1", Now.AddHours(8)), CancellationToken.None);
        await CloseAsync(first);

        var second = await OpenAsync("instance-b");
        var seen = await second.Admins.FindSessionAsync(KeyHash.Of("s1"), Now, CancellationToken.None);
        await second.Admins.DeleteSessionAsync(KeyHash.Of("s1"), CancellationToken.None);

        Assert.Equal(AdminRole.Viewer, seen?.Role);
        Assert.Equal("adm_1", Assert.Single(await second.Admins.ListTokensAsync(CancellationToken.None)).Id);
        Assert.Null(await second.Admins.FindSessionAsync(KeyHash.Of("s1"), Now, CancellationToken.None));
    }

    private static AdminToken Token(string id, string secret, AdminRole role, DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        Name = "ops-" + id,
        Role = role,
        Hash = KeyHash.Of(secret),
        Prefix = secret[..6],
        CreatedAt = createdAt ?? Now,
    };

    private static AdminSession Session(string id, string? tokenId, DateTimeOffset expires) => new()
    {
        IdHash = KeyHash.Of(id),
        TokenId = tokenId,
        Subject = tokenId ?? "master key",
        Role = tokenId is null ? AdminRole.Admin : AdminRole.Viewer,
        CsrfToken = "csrf-" + id,
        CreatedAt = Now,
        ExpiresAt = expires,
    };
}
