namespace Ciyuan.Core.Responses;

/// <summary>
/// The responses a <c>previous_response_id</c> leads back through, oldest first, each with its input
/// items. <see cref="MissingId"/> names the first link that no longer exists (deleted, pruned, or
/// never stored); the chain is then incomplete and must not be used.
/// </summary>
public sealed record ConversationChain(IReadOnlyList<StoredResponse> Responses, string? MissingId)
{
    public bool IsComplete => MissingId is null;
}
