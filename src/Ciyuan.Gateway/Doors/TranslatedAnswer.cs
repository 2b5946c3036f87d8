using Ciyuan.Core.Canonical;

namespace Ciyuan.Gateway.Doors;

/// <summary>
/// What a door needs to write an answer translated from another dialect: the request's id (answer
/// ids derive from it), the model name the client asked for, when the request arrived, the request
/// itself (a Responses answer repeats its settings and names its tools as declared), whether the
/// client asked for a usage chunk, and the prompt's size when the door's stream must state it first.
/// </summary>
internal sealed record TranslatedAnswer(string RequestId, string Model, DateTimeOffset ReceivedAt, ChatRequest Request)
{
    public bool IncludeUsage { get; init; }

    public long? InputTokens { get; init; }
}
