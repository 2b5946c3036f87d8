using Ciyuan.Core.Keys;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class SqliteKeyStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 8, 30, 0, 123, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    internal static ClientKey NewKey(string id, int minute, long? budget = null, int? rpm = null, string? policy = null) => new()
    {
        Id = id,
        Name = "name of " + id,
        Hash = KeyHash.Of("cy-secret-" + id),
        Prefix = "cy-" + id,
        CreatedAt = Start.AddMinutes(minute),
        BudgetMicroUsd = budget,
        RequestsPerMinute = rpm,
        Policy = policy,
    };

    private async Task<SqliteKeyStore> NewStoreAsync()
    {
        var database = new SqliteDatabase(_directory.File("keys.db"), syncToDisk: false);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        return new SqliteKeyStore(database);
    }

    [Fact]
    public async Task CreateAsync_ThenList_RoundTripsEveryField()
    {
        var store = await NewStoreAsync();
        var token = TestContext.Current.CancellationToken;
        var full = NewKey("key_full", 1, budget: 5_000_000, rpm: 60, policy: "local-only");
        var bare = NewKey("key_bare", 2);

        await store.CreateAsync(full, token);
        await store.CreateAsync(bare, token);
        var keys = await store.ListAsync(token);

        Assert.Equal(new[] { full, bare }, keys);
        Assert.False(keys[0].IsRevoked);
    }

    [Fact]
    public async Task ListAsync_OrdersByCreationTimeThenId()
    {
        var store = await NewStoreAsync();
        var token = TestContext.Current.CancellationToken;

        await store.CreateAsync(NewKey("key_c", 5), token);
        await store.CreateAsync(NewKey("key_b", 1), token);
        await store.CreateAsync(NewKey("key_a", 5), token);

        Assert.Equal(new[] { "key_b", "key_a", "key_c" }, (await store.ListAsync(token)).Select(k => k.Id));
    }

    [Fact]
    public async Task RevokeAsync_ExistingKey_MarksRevokedOnceAndKeepsFirstTime()
    {
        var store = await NewStoreAsync();
        var token = TestContext.Current.CancellationToken;
        await store.CreateAsync(NewKey("key_r", 0), token);
        var first = Start.AddHours(1);

        Assert.True(await store.RevokeAsync("key_r", first, token));
        Assert.True(await store.RevokeAsync("key_r", first.AddHours(1), token));

        var key = Assert.Single(await store.ListAsync(token));
        Assert.True(key.IsRevoked);
        Assert.Equal(first, key.RevokedAt);
    }

    [Fact]
    public async Task RevokeAsync_UnknownKey_ReturnsFalse()
    {
        var store = await NewStoreAsync();

        Assert.False(await store.RevokeAsync("key_missing", Start, TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetVersionAsync_EveryChange_BumpsVersion()
    {
        var store = await NewStoreAsync();
        var token = TestContext.Current.CancellationToken;

        Assert.Equal(0, await store.GetVersionAsync(token));
        await store.CreateAsync(NewKey("key_1", 0), token);
        Assert.Equal(1, await store.GetVersionAsync(token));
        await store.CreateAsync(NewKey("key_2", 1), token);
        Assert.Equal(2, await store.GetVersionAsync(token));
        await store.RevokeAsync("key_1", Start, token);
        Assert.Equal(3, await store.GetVersionAsync(token));
    }

    [Fact]
    public async Task GetVersionAsync_SecondStoreOnSameFile_SeesChanges()
    {
        var store = await NewStoreAsync();
        var token = TestContext.Current.CancellationToken;
        var other = new SqliteKeyStore(new SqliteDatabase(_directory.File("keys.db"), syncToDisk: false));

        await store.CreateAsync(NewKey("key_x", 0), token);

        Assert.Equal(1, await other.GetVersionAsync(token));
        Assert.Equal("key_x", Assert.Single(await other.ListAsync(token)).Id);
    }
}
