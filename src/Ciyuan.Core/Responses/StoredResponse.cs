namespace Ciyuan.Core.Responses;

/// <summary>
/// A Responses answer kept for <c>GET /v1/responses/{id}</c>, <c>input_items</c> and
/// <c>previous_response_id</c>: the response object as the client received it, the input items of its
/// own request (ids assigned), and the response it continued. It belongs to <see cref="Owner"/> — the
/// key's project, or the key itself when it has none — and is invisible to every other owner.
/// </summary>
public sealed record StoredResponse
{
    public required string Id { get; init; }

    /// <summary><see cref="ResponseOwners.Of"/> the key that created it.</summary>
    public required string Owner { get; init; }

    public required string KeyId { get; init; }

    /// <summary>The ledger line of the request that produced it.</summary>
    public required string RequestId { get; init; }

    public string? PreviousResponseId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The model alias the client asked for.</summary>
    public required string Model { get; init; }

    /// <summary>The response object (JSON) as the client received it.</summary>
    public required string Body { get; init; }

    /// <summary>The items of this response's own <c>input</c>, in order (not those of the responses it continued).</summary>
    public IReadOnlyList<StoredItem> InputItems { get; init; } = [];
}
