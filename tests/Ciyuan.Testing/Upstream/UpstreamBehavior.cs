using System.Text.Json.Nodes;

namespace Ciyuan.Testing.Upstream;

/// <summary>What the upstream test server does with a request. Chosen per upstream model name, or the default.</summary>
public abstract record UpstreamBehavior;

/// <summary>A normal answer, streamed or not as the request asks.</summary>
public sealed record Reply : UpstreamBehavior
{
    public string Content { get; init; } = "Hello from the upstream test server.";

    public string? Reasoning { get; init; }

    /// <summary>Field name the reasoning text is sent under (<c>reasoning_content</c>, <c>reasoning</c>).</summary>
    public string ReasoningField { get; init; } = "reasoning_content";

    public IReadOnlyList<ToolCallSpec> ToolCalls { get; init; } = [];

    public string FinishReason { get; init; } = "stop";

    public long PromptTokens { get; init; } = 11;

    public long CompletionTokens { get; init; } = 7;

    public long CachedTokens { get; init; }

    public long ReasoningTokens { get; init; }

    public UsagePlacement Usage { get; init; } = UsagePlacement.OpenAI;

    /// <summary>Number of pieces the content is split into when streaming.</summary>
    public int Chunks { get; init; } = 3;

    /// <summary><c>: keep-alive</c> comment lines sent before the first chunk.</summary>
    public int KeepAlives { get; init; }

    public TimeSpan FirstByteDelay { get; init; }

    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Close the connection abruptly after this many content chunks (a cut-off stream).</summary>
    public int? CutAfterChunks { get; init; }

    /// <summary>Send this error object as a data line after this many content chunks, then end.</summary>
    public (int AfterChunks, string ErrorJson)? MidStreamError { get; init; }

    /// <summary>End the stream without <c>data: [DONE]</c>.</summary>
    public bool OmitDone { get; init; }
}

/// <summary>Where the upstream puts usage in a stream.</summary>
public enum UsagePlacement
{
    /// <summary>A final <c>choices: []</c> chunk, only when <c>stream_options.include_usage</c> was asked for.</summary>
    OpenAI,

    /// <summary>On the last content chunk at the top level, always (DeepSeek, GLM).</summary>
    LastChunk,

    /// <summary>Inside <c>choices[0].usage</c> of the finish chunk (Moonshot).</summary>
    InChoice,

    /// <summary>Never (some self-hosted servers).</summary>
    None,
}

public sealed record ToolCallSpec(string Id, string Name, string ArgumentsJson);

/// <summary>An HTTP error with the given status and body (each provider's own error shape).</summary>
public sealed record Fail(int Status, string Body, int? RetryAfterSeconds = null) : UpstreamBehavior;

/// <summary>Accept the request and never answer (until the client gives up).</summary>
public sealed record Hang : UpstreamBehavior;

/// <summary>Exact bytes: a recorded vendor response or stream, replayed event by event.</summary>
public sealed record Raw(int Status, string ContentType, string Body, TimeSpan EventDelay = default) : UpstreamBehavior;

/// <summary>A fixed JSON body (e.g. an embeddings answer) with status 200.</summary>
public sealed record JsonBody(JsonObject Body) : UpstreamBehavior;
