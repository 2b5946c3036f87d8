namespace Ciyuan.Protocols.Canonical;

/// <summary>What differs between OpenAI-dialect upstreams when a request is encoded for them.</summary>
public sealed record OpenAIEncodeOptions
{
    public required string UpstreamModel { get; init; }

    /// <summary><c>max_tokens</c> (most Chinese upstreams) or <c>max_completion_tokens</c> (OpenAI reasoning models, MiniMax, Kimi K2.6+).</summary>
    public string MaxTokensField { get; init; } = "max_tokens";

    /// <summary>Where assistant reasoning is replayed: <c>reasoning_content</c> or <c>reasoning</c>.</summary>
    public string ReasoningField { get; init; } = "reasoning_content";

    /// <summary>Send earlier turns' reasoning back (DeepSeek V4, Kimi and MiniMax need it on tool turns).</summary>
    public bool ReplayReasoning { get; init; } = true;

    /// <summary>Also write <c>reasoning_details</c> with signatures; only for upstreams that accept the field.</summary>
    public bool IncludeReasoningDetails { get; init; }

    /// <summary>Ask for the usage chunk on streams (<c>stream_options.include_usage</c>) so streams can be metered.</summary>
    public bool IncludeUsage { get; init; } = true;

    public ThinkingStyle ThinkingStyle { get; init; } = ThinkingStyle.None;

    /// <summary>The effort word that turns thinking off under <see cref="ThinkingStyle.ReasoningEffort"/> (newer OpenAI: <c>none</c>; older: <c>minimal</c>).</summary>
    public string DisabledEffort { get; init; } = "none";

    /// <summary>The upstream takes <c>{"type":"file"}</c> parts; otherwise documents are a <see cref="Core.Canonical.TranslationException"/>.</summary>
    public bool SupportsDocuments { get; init; }

    /// <summary>The upstream takes <c>top_k</c> (vLLM, SGLang, llama.cpp, Ollama, Qwen); otherwise it is dropped as a mere sampling hint.</summary>
    public bool SupportsTopK { get; init; }

    /// <summary>Stop strings beyond this count are dropped (OpenAI allows four).</summary>
    public int MaxStopSequences { get; init; } = 4;

    /// <summary><c>user</c> (OpenAI) or <c>user_id</c> (DeepSeek, GLM).</summary>
    public string UserField { get; init; } = "user";

    /// <summary>
    /// The upstream takes <c>system</c> messages anywhere in the conversation (OpenAI). Otherwise a
    /// system message after the first turn is merged into the nearest user message inside
    /// <c>&lt;system&gt;</c> tags, since many chat templates accept a system message only first.
    /// </summary>
    public bool SystemMessagesAnywhere { get; init; }

    /// <summary>
    /// The <c>reasoning_effort</c> words the upstream accepts, weakest first (DeepSeek: high, max);
    /// a requested effort becomes the nearest word at or above it. Null: the upstream has no effort
    /// setting (under <see cref="ThinkingStyle.EnableThinking"/> effort becomes a thinking budget instead).
    /// </summary>
    public IReadOnlyList<string>? EffortWords { get; init; }
}
