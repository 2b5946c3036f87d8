namespace Ciyuan.Core.Responses;

/// <summary>
/// Stored Responses answers (OpenAI's <c>store: true</c>), on the same database as the ledger. Every
/// read and delete is scoped to an owner (<see cref="ResponseOwners"/>): another owner's id is as
/// absent as one never stored.
/// </summary>
public interface IResponseStore
{
    /// <summary>Keeps a response and its input items (one transaction); saving an id again replaces it.</summary>
    Task SaveAsync(StoredResponse response, CancellationToken cancellationToken);

    /// <summary>The response without its items, or null.</summary>
    Task<StoredResponse?> GetAsync(string owner, string id, CancellationToken cancellationToken);

    /// <summary>Deletes a response and its items; false when the owner has no such response.</summary>
    Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken);

    /// <summary>A page of a response's input items, or null when the owner has no such response.</summary>
    Task<ItemsPage?> ListInputItemsAsync(string owner, string id, ItemsQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The conversation ending at <paramref name="id"/>, oldest first, with input items, following
    /// <c>previous_response_id</c> at most <paramref name="maxDepth"/> links. Null when the owner has no
    /// response <paramref name="id"/>.
    /// </summary>
    Task<ConversationChain?> ChainAsync(string owner, string id, int maxDepth, CancellationToken cancellationToken);

    /// <summary>Deletes responses created before <paramref name="olderThan"/>, with their items; how many went.</summary>
    Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
