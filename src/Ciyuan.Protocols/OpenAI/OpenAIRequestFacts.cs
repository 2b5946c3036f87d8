namespace Ciyuan.Protocols.OpenAI;

/// <summary>
/// What the gateway needs to know about an OpenAI-dialect request body, found by one forward scan
/// without building a DOM. Byte ranges point into the original body so it can be patched in place.
/// </summary>
public sealed class OpenAIRequestFacts
{
    public string? Model { get; internal set; }

    /// <summary>Where the <c>model</c> string token (quotes included) sits in the body.</summary>
    public Range ModelValue { get; internal set; }

    public bool Stream { get; internal set; }

    /// <summary>Whether the client itself asked for a usage chunk in the stream.</summary>
    public bool IncludeUsageRequested { get; internal set; }

    /// <summary>Where the <c>stream_options</c> value sits, when present.</summary>
    public Range? StreamOptionsValue { get; internal set; }

    public long? MaxTokens { get; internal set; }

    public int Choices { get; internal set; } = 1;

    /// <summary>Bytes of the <c>messages</c> (chat) or <c>input</c> (embeddings) value: a cheap size for estimates.</summary>
    public int PromptBytes { get; internal set; }

    /// <summary>Offset of the <c>messages</c> / <c>input</c> value, for prefix hashing.</summary>
    public int PromptStart { get; internal set; }

    /// <summary>Offset just after the opening brace of the top-level object.</summary>
    public int ObjectStart { get; internal set; }
}
