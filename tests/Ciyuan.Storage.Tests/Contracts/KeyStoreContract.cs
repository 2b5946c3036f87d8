using Ciyuan.Core.Keys;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>Client keys: the same answers from every backend, and every change visible to the next instance.</summary>
public abstract class KeyStoreContract : StorageContract
{
    [Fact]
    public async Task Keys_CreateListRevoke_BumpTheVersionAndKeepEveryField()
    {
        var store = await OpenAsync();
        var before = await store.Keys.GetVersionAsync(CancellationToken.None);
        var key = Key("key_1", "cy-secret") with
        {
            BudgetMicroUsd = 5_000_000,
            RequestsPerMinute = 60,
            TokensPerMinute = 100_000,
            MaxConcurrency = 8,
            Policy = "local-only",
            Project = "research",
        };

        await store.Keys.CreateAsync(key, CancellationToken.None);
        var listed = Assert.Single(await store.Keys.ListAsync(CancellationToken.None));
        var afterCreate = await store.Keys.GetVersionAsync(CancellationToken.None);
        var revoked = await store.Keys.RevokeAsync("key_1", Now.AddHours(1), CancellationToken.None);
        var missing = await store.Keys.RevokeAsync("key_nope", Now, CancellationToken.None);

        Assert.Equal(key, listed);
        Assert.True(revoked);
        Assert.False(missing);
        Assert.Equal(Now.AddHours(1), Assert.Single(await store.Keys.ListAsync(CancellationToken.None)).RevokedAt);
        Assert.True(afterCreate > before);
        Assert.True(await store.Keys.GetVersionAsync(CancellationToken.None) > afterCreate);
    }

    [Fact]
    public async Task Keys_OptionalFieldsUnset_StayUnset()
    {
        var store = await OpenAsync();
        var key = Key("key_plain", "cy-plain");

        await store.Keys.CreateAsync(key, CancellationToken.None);

        var listed = Assert.Single(await store.Keys.ListAsync(CancellationToken.None));
        Assert.Equal(key, listed);
        Assert.Null(listed.Project);
        Assert.Null(listed.TokensPerMinute);
        Assert.Null(listed.MaxConcurrency);
    }

    [Fact]
    public async Task Keys_MadeByOneInstance_AreSeenByAnotherWithTheSameVersion()
    {
        var first = await OpenAsync();
        await first.Keys.CreateAsync(Key("key_a", "cy-a"), CancellationToken.None);
        await first.Keys.CreateAsync(Key("key_b", "cy-b", Now.AddMinutes(1)), CancellationToken.None);
        var version = await first.Keys.GetVersionAsync(CancellationToken.None);
        await CloseAsync(first);

        var second = await OpenAsync("instance-b");

        Assert.Equal(["key_a", "key_b"], (await second.Keys.ListAsync(CancellationToken.None)).Select(k => k.Id));
        Assert.Equal(version, await second.Keys.GetVersionAsync(CancellationToken.None));
    }

    private static ClientKey Key(string id, string secret, DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        Name = "team-" + id,
        Hash = KeyHash.Of(secret),
        Prefix = secret[..Math.Min(6, secret.Length)],
        CreatedAt = createdAt ?? Now,
    };
}
