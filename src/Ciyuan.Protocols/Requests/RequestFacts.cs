namespace Ciyuan.Protocols.Requests;

/// <summary>
/// What the gateway needs to know about a request body, found by one forward scan without
/// building a DOM. Byte ranges point into the original body so it can be patched in place. Token
/// limits are kept field by field: which one an upstream honours differs by vendor, so the
/// budget's worst case takes them all into account.
/// </summary>
public sealed class RequestFacts
{
    public string? Model { get; internal set; }

    /// <summary>Where the <c>model</c> string token (quotes included) sits in the body.</summary>
    public Range ModelValue { get; internal set; }

    public bool Stream { get; internal set; }

    /// <summary>Whether the client itself asked for a usage chunk in the stream.</summary>
    public bool IncludeUsageRequested { get; internal set; }

    /// <summary>Where the <c>stream_options</c> value sits, when present.</summary>
    public Range? StreamOptionsValue { get; internal set; }

    /// <summary><c>max_tokens</c> (OpenAI's legacy name, most Chinese vendors, and Anthropic's required field).</summary>
    public long? MaxTokens { get; internal set; }

    /// <summary><c>max_completion_tokens</c> (OpenAI reasoning models, MiniMax, Kimi K2.6+).</summary>
    public long? MaxCompletionTokens { get; internal set; }

    /// <summary><c>max_output_tokens</c> (the Responses API's name).</summary>
    public long? MaxOutputTokens { get; internal set; }

    /// <summary>A thinking budget: Anthropic's <c>thinking.budget_tokens</c> or Qwen's <c>thinking_budget</c>.</summary>
    public long? ThinkingBudget { get; internal set; }

    /// <summary>OpenRouter's <c>reasoning.max_tokens</c>.</summary>
    public long? ReasoningMaxTokens { get; internal set; }

    /// <summary>The largest answer length any of the fields asks for (null when none does).</summary>
    public long? RequestedMaxOutput => Max(Max(MaxTokens, MaxCompletionTokens), MaxOutputTokens);

    /// <summary><c>n</c>: how many answers the upstream generates (and bills).</summary>
    public int Choices { get; internal set; } = 1;

    /// <summary>Log probabilities were asked for: each token then carries far more bytes.</summary>
    public bool LogprobsRequested { get; internal set; }

    /// <summary>Bytes of the <c>messages</c> (chat) or <c>input</c> (embeddings) value: a cheap size for estimates.</summary>
    public int PromptBytes { get; internal set; }

    /// <summary>Offset of the <c>messages</c> / <c>input</c> value, for prefix hashing.</summary>
    public int PromptStart { get; internal set; }

    /// <summary>Where the <c>previous_response_id</c> value sits (Responses), when present.</summary>
    public Range? PreviousResponseIdValue { get; internal set; }

    /// <summary>Responses' (and Chat Completions') <c>prompt_cache_key</c>: requests sharing it share a prompt cache.</summary>
    public string? PromptCacheKey { get; internal set; }

    /// <summary>Offset just after the opening brace of the top-level object.</summary>
    public int ObjectStart { get; internal set; }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
