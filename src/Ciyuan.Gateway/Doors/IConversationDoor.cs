using Ciyuan.Core.Responses;
using Ciyuan.Protocols.Responses;

namespace Ciyuan.Gateway.Doors;

/// <summary>
/// A door whose answers can be kept and continued (OpenAI Responses: <c>store</c>,
/// <c>previous_response_id</c>). The recall and keep stages call these to read and rebuild requests
/// and to name what they keep; the stages own the store.
/// </summary>
internal interface IConversationDoor : IDoor
{
    /// <summary>The request's state: what it continues, whether its answer is kept, its input items. A <see cref="Core.Canonical.TranslationException"/> names a bad field.</summary>
    ConversationRequest ReadConversation(ReadOnlySpan<byte> body);

    /// <summary>The items a stored conversation contributes to the next request, oldest first.</summary>
    IReadOnlyList<string> History(ConversationChain chain);

    /// <summary>The request rebuilt to stand alone: <paramref name="history"/>, then its own <paramref name="input"/>.</summary>
    byte[] Continue(ReadOnlySpan<byte> body, IReadOnlyList<string> history, IReadOnlyList<string> input);

    /// <summary>Input items as they are kept, each with an id.</summary>
    IReadOnlyList<StoredItem> Identify(IReadOnlyList<string> items, string answerId);

    /// <summary>The id of a whole answer in this door's shape (the id the client was told).</summary>
    string? AnswerId(ReadOnlySpan<byte> answer);
}
