
namespace Ciyuan.Testing.Upstream;

/// <summary>
/// Echoes the credentials it was sent (the <c>Authorization</c> and <c>x-api-key</c> headers), as
/// a careless proxy or a hostile upstream does: in an error body with <paramref name="Status"/>, or
/// — with status 200 — inside an otherwise normal answer (streamed when asked).
/// </summary>
public sealed record EchoCredentials(int Status) : UpstreamBehavior;

/// <summary>Streams content chunks without end, ignoring <c>max_tokens</c>, until the client goes away.</summary>
public sealed record EndlessStream : UpstreamBehavior
{
    /// <summary>Text of each chunk.</summary>
    public string Piece { get; init; } = "lorem ";
}

/// <summary>A 200 <c>chat.completion</c> whose content is <paramref name="Bytes"/> long, written as it is generated (never held in memory whole).</summary>
public sealed record GiantBody(long Bytes) : UpstreamBehavior;

/// <summary>
/// Answers as vLLM does: honours <c>n</c> and <c>max_completion_tokens</c> (else <c>max_tokens</c>),
/// generating exactly that many tokens per choice (one word a token, one token a chunk when
/// streaming), and reports usage with <see cref="PromptTokens"/> and the tokens it generated.
/// </summary>
public sealed record Honour : UpstreamBehavior
{
    public long PromptTokens { get; init; } = 20;

    /// <summary>Tokens generated when the request gives no limit.</summary>
    public long DefaultMaxTokens { get; init; } = 16;
}
