using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// One OpenAI-dialect vendor's quirks, as data (docs/vendors.md, vendor profiles: a new vendor is a
/// profile, not code). <see cref="RequestRules"/>, <see cref="ResponseNormalizer"/> and
/// <see cref="ReasoningReplayStore"/> apply it; nothing here performs I/O.
/// Defaults describe a well-behaved OpenAI-compatible server: every rule off.
/// </summary>
public sealed record ProviderProfile
{
    /// <summary>The config <c>kind:</c> this profile serves.</summary>
    public required string Kind { get; init; }

    /// <summary>Where the vendor puts reasoning in responses; one of <see cref="ReasoningFields"/>.</summary>
    public string ReasoningField { get; init; } = ReasoningFields.ReasoningContent;

    /// <summary>
    /// Also split a leading <c>&lt;think&gt;…&lt;/think&gt;</c> out of <c>content</c>. On for MiniMax and for
    /// self-hosted servers that may run open weights without a reasoning parser; only a think
    /// block at the very start of the content counts, so ordinary text mentioning the tag is safe.
    /// </summary>
    public bool ExtractThinkTags { get; init; }

    /// <summary>
    /// The output-limit field the vendor honours: <c>max_tokens</c> or <c>max_completion_tokens</c>.
    /// Null forwards whichever the client sent (self-hosted servers accept both).
    /// </summary>
    public string? MaxTokensField { get; init; }

    /// <summary>False strips <c>stream_options</c> (GLM); usage then arrives on the last chunk anyway.</summary>
    public bool AcceptsStreamOptions { get; init; } = true;

    public ThinkingStyle Thinking { get; init; }

    /// <summary>
    /// The <c>reasoning_effort</c> words the vendor accepts, weakest first; null when it has no effort
    /// setting. Used when a request is translated (an Anthropic <c>output_config.effort</c> becomes the nearest word).
    /// </summary>
    public IReadOnlyList<string>? ReasoningEffortWords { get; init; }

    /// <summary>The vendor takes <c>system</c> messages anywhere in the conversation, not only first.</summary>
    public bool AcceptsSystemMessagesAnywhere { get; init; }

    /// <summary>Thinking cannot be turned off (GLM-5.3, Kimi K2.7-code, K3): a request to disable it is rejected.</summary>
    public bool ThinkingAlwaysOn { get; init; }

    /// <summary>The reasoning of assistant turns that made tool calls must be sent back (DeepSeek, Kimi, MiniMax).</summary>
    public bool RequiresReasoningReplay { get; init; }

    /// <summary>False when the vendor rejects <c>reasoning_content</c> on history messages (OpenAI's strict schema).</summary>
    public bool AcceptsReasoningInHistory { get; init; } = true;

    /// <summary>The <c>tool_choice</c> strings accepted; null = all. See <see cref="RequestRules"/> for how others are handled.</summary>
    public IReadOnlyList<string>? AllowedToolChoices { get; init; }

    public NumberRule? Temperature { get; init; }

    /// <summary>Parameters the model pins to one value (Kimi K3: temperature 1); any other value is rejected.</summary>
    public IReadOnlyDictionary<string, double> FixedParameters { get; init; } = EmptyFixed;

    /// <summary>Top-level parameters the vendor does not support and that are dropped (each drop is listed).</summary>
    public IReadOnlyList<string> StrippedParameters { get; init; } = [];

    /// <summary>Most <c>stop</c> strings accepted; extra ones are dropped (docs/vendors.md, vendor profiles).</summary>
    public int? MaxStopSequences { get; init; }

    /// <summary>Longest <c>stop</c> string in UTF-8 bytes (Kimi: 32); a longer one is rejected.</summary>
    public int? MaxStopBytes { get; init; }

    /// <summary>Non-stream calls must send <c>enable_thinking: false</c> (Qwen open weights).</summary>
    public bool NonStreamThinkingMustBeOff { get; init; }

    /// <summary>Finish reasons rewritten for clients (GLM <c>sensitive</c> → <c>content_filter</c>).</summary>
    public IReadOnlyDictionary<string, string> FinishReasonMap { get; init; } = EmptyMap;

    /// <summary>Streams put usage in <c>choices[i].usage</c> (Moonshot); hoisted to the top level for clients.</summary>
    public bool UsageInChoice { get; init; }

    /// <summary>
    /// Vendor-specific cached-token field copied to <c>prompt_tokens_details.cached_tokens</c> when that is
    /// absent: <c>prompt_cache_hit_tokens</c> (DeepSeek) or top-level <c>cached_tokens</c> (Moonshot). Null = none.
    /// </summary>
    public string? CachedTokensField { get; init; }

    /// <summary>Errors may arrive as HTTP 200 with <c>base_resp.status_code != 0</c> (MiniMax).</summary>
    public bool EmbedsErrorsInBody { get; init; }

    private static readonly IReadOnlyDictionary<string, double> EmptyFixed = new Dictionary<string, double>();
    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();

    /// <summary>Whether any request rule can apply: lets <see cref="RequestRules.Apply"/> return without reading the body.</summary>
    public bool HasRequestRules =>
        MaxTokensField is not null || !AcceptsStreamOptions || Thinking != ThinkingStyle.None || ThinkingAlwaysOn
        || AllowedToolChoices is not null || Temperature is not null || FixedParameters.Count > 0
        || StrippedParameters.Count > 0 || MaxStopSequences is not null || MaxStopBytes is not null || NonStreamThinkingMustBeOff;

    /// <summary>Whether any response rewrite can apply: lets the normalizer skip work on the fast path.</summary>
    public bool HasResponseRules =>
        ReasoningField != ReasoningFields.ReasoningContent || ExtractThinkTags || FinishReasonMap.Count > 0
        || UsageInChoice || CachedTokensField is not null;
}
