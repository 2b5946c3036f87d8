using Ciyuan.Core.Responses;

namespace Ciyuan.Storage.Tests.Contracts;

/// <summary>Stored Responses answers: the same answers from every backend, scoped to their owner, chained, paged and pruned.</summary>
public abstract class ResponseStoreContract : StorageContract
{
    private const string Team = "project:research";

    [Fact]
    public async Task Responses_SaveThenGet_KeepEveryFieldForTheOwnerOnly()
    {
        var store = await OpenAsync();
        var saved = Response("resp_1", items: 2) with { PreviousResponseId = null };

        await store.Responses.SaveAsync(saved, CancellationToken.None);
        var read = await store.Responses.GetAsync(Team, "resp_1", CancellationToken.None);
        var stranger = await store.Responses.GetAsync("project:other", "resp_1", CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(saved with { InputItems = [] }, read with { InputItems = [] });
        Assert.Null(stranger);
    }

    [Fact]
    public async Task Responses_Delete_RemovesOnlyTheOwnersResponseAndItsItems()
    {
        var store = await OpenAsync();
        await store.Responses.SaveAsync(Response("resp_1", items: 2), CancellationToken.None);

        var strangerDeleted = await store.Responses.DeleteAsync("project:other", "resp_1", CancellationToken.None);
        var deleted = await store.Responses.DeleteAsync(Team, "resp_1", CancellationToken.None);
        var again = await store.Responses.DeleteAsync(Team, "resp_1", CancellationToken.None);

        Assert.False(strangerDeleted);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(await store.Responses.GetAsync(Team, "resp_1", CancellationToken.None));
        Assert.Null(await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(20, Ascending: true), CancellationToken.None));
    }

    [Fact]
    public async Task Responses_InputItems_PageByCursorInBothOrders()
    {
        var store = await OpenAsync();
        await store.Responses.SaveAsync(Response("resp_1", items: 5), CancellationToken.None);

        var first = (await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(2, Ascending: true), CancellationToken.None))!;
        var second = (await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(2, Ascending: true, After: first.Items[^1].Id), CancellationToken.None))!;
        var last = (await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(2, Ascending: true, After: second.Items[^1].Id), CancellationToken.None))!;
        var descending = (await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(3, Ascending: false), CancellationToken.None))!;
        var before = (await store.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(10, Ascending: true, Before: "item_3"), CancellationToken.None))!;
        var stranger = await store.Responses.ListInputItemsAsync("project:other", "resp_1", new ItemsQuery(2, Ascending: true), CancellationToken.None);

        Assert.Equal(["item_0", "item_1"], first.Items.Select(i => i.Id));
        Assert.True(first.HasMore);
        Assert.Equal(["item_2", "item_3"], second.Items.Select(i => i.Id));
        Assert.Equal(["item_4"], last.Items.Select(i => i.Id));
        Assert.False(last.HasMore);
        Assert.Equal(["item_4", "item_3", "item_2"], descending.Items.Select(i => i.Id));
        Assert.True(descending.HasMore);
        Assert.Equal(["item_0", "item_1", "item_2"], before.Items.Select(i => i.Id));
        Assert.Equal("""{"type":"message","n":3}""", second.Items[1].Json);
        Assert.Null(stranger);
    }

    [Fact]
    public async Task Responses_Chain_FollowsPreviousIdsOldestFirstWithItems()
    {
        var store = await OpenAsync();
        await store.Responses.SaveAsync(Response("resp_a", items: 1) with { PreviousResponseId = null }, CancellationToken.None);
        await store.Responses.SaveAsync(Response("resp_b", items: 2) with { PreviousResponseId = "resp_a" }, CancellationToken.None);
        await store.Responses.SaveAsync(Response("resp_c", items: 1) with { PreviousResponseId = "resp_b" }, CancellationToken.None);

        var chain = (await store.Responses.ChainAsync(Team, "resp_c", 100, CancellationToken.None))!;
        var stranger = await store.Responses.ChainAsync("project:other", "resp_c", 100, CancellationToken.None);

        Assert.True(chain.IsComplete);
        Assert.Equal(["resp_a", "resp_b", "resp_c"], chain.Responses.Select(r => r.Id));
        Assert.Equal([1, 2, 1], chain.Responses.Select(r => r.InputItems.Count));
        Assert.Null(stranger);
    }

    [Fact]
    public async Task Responses_ChainWithADeletedLink_NamesTheMissingResponse()
    {
        var store = await OpenAsync();
        await store.Responses.SaveAsync(Response("resp_a", items: 1) with { PreviousResponseId = null }, CancellationToken.None);
        await store.Responses.SaveAsync(Response("resp_b", items: 1) with { PreviousResponseId = "resp_a" }, CancellationToken.None);
        await store.Responses.DeleteAsync(Team, "resp_a", CancellationToken.None);

        var chain = (await store.Responses.ChainAsync(Team, "resp_b", 100, CancellationToken.None))!;

        Assert.False(chain.IsComplete);
        Assert.Equal("resp_a", chain.MissingId);
    }

    [Fact]
    public async Task Responses_Prune_DeletesOnlyOlderResponses()
    {
        var store = await OpenAsync();
        await store.Responses.SaveAsync(Response("resp_old", items: 2) with { CreatedAt = Now.AddDays(-40) }, CancellationToken.None);
        await store.Responses.SaveAsync(Response("resp_new", items: 2) with { CreatedAt = Now.AddDays(-1) }, CancellationToken.None);

        var pruned = await store.Responses.PruneAsync(Now.AddDays(-30), CancellationToken.None);

        Assert.Equal(1, pruned);
        Assert.Null(await store.Responses.GetAsync(Team, "resp_old", CancellationToken.None));
        Assert.NotNull(await store.Responses.GetAsync(Team, "resp_new", CancellationToken.None));
    }

    [Fact]
    public async Task Responses_SavedByOneInstance_AreReadByAnother()
    {
        var first = await OpenAsync();
        await first.Responses.SaveAsync(Response("resp_1", items: 3), CancellationToken.None);
        await CloseAsync(first);

        var second = await OpenAsync("instance-b");

        Assert.Equal("resp_1", (await second.Responses.GetAsync(Team, "resp_1", CancellationToken.None))?.Id);
        Assert.Equal(3, (await second.Responses.ListInputItemsAsync(Team, "resp_1", new ItemsQuery(20, Ascending: true), CancellationToken.None))!.Items.Count);
    }

    private static StoredResponse Response(string id, int items) => new()
    {
        Id = id,
        Owner = Team,
        KeyId = "key-1",
        RequestId = "req_" + id,
        PreviousResponseId = "resp_before",
        CreatedAt = Now,
        Model = "m",
        Body = $$"""{"id":"{{id}}","object":"response","output":[]}""",
        InputItems = [.. Enumerable.Range(0, items).Select(i => new StoredItem($"item_{i}", $$"""{"type":"message","n":{{i}}}"""))],
    };
}
