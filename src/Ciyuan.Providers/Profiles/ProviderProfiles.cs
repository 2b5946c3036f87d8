using System.Collections.Frozen;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// The built-in profile table, one entry per config kind plus per-model variants, transcribed from
/// docs/vendors.md (the vendor's section is named in each comment). Facts tagged [U] there are
/// encoded only where a wrong guess fails loudly (a rejection the client can read) rather than
/// silently.
/// </summary>
public static class ProviderProfiles
{
    private static readonly string[] Penalties = ["presence_penalty", "frequency_penalty"];

    // DeepSeek (docs/vendors.md): thinking on by default; tool-call reasoning must come back;
    // cache hits in prompt_cache_hit_tokens.
    private static readonly ProviderProfile DeepSeek = new()
    {
        Kind = "deepseek",
        MaxTokensField = "max_tokens",
        Thinking = ThinkingStyle.ThinkingObject,
        ReasoningEffortWords = ["high", "max"],
        RequiresReasoningReplay = true,
        CachedTokensField = "prompt_cache_hit_tokens",
    };

    // Moonshot Kimi (docs/vendors.md): usage inside choices[0].usage in streams; stop ≤ 5 strings of ≤ 32 bytes.
    private static readonly ProviderProfile Moonshot = new()
    {
        Kind = "moonshot",
        MaxTokensField = "max_tokens",
        Thinking = ThinkingStyle.ThinkingObject,
        RequiresReasoningReplay = true,
        MaxStopSequences = 5,
        MaxStopBytes = 32,
        UsageInChoice = true,
        CachedTokensField = "cached_tokens",
    };

    // Qwen (docs/vendors.md): enable_thinking + thinking_budget.
    private static readonly ProviderProfile DashScope = new()
    {
        Kind = "dashscope",
        MaxTokensField = "max_tokens",
        Thinking = ThinkingStyle.EnableThinking,
    };

    // Zhipu GLM / Z.ai (docs/vendors.md): tool_choice only "auto"; max_tokens only; no penalties;
    // stream_options undocumented; finish_reason "sensitive" is GLM's content filter.
    private static readonly ProviderProfile Zhipu = new()
    {
        Kind = "zhipu",
        MaxTokensField = "max_tokens",
        AcceptsStreamOptions = false,
        Thinking = ThinkingStyle.ThinkingObject,
        AllowedToolChoices = ["auto"],
        Temperature = new NumberRule(0, MinExclusive: false, 1, Clamp: true),
        StrippedParameters = Penalties,
        FinishReasonMap = new Dictionary<string, string>(StringComparer.Ordinal) { ["sensitive"] = "content_filter" },
    };

    // MiniMax (docs/vendors.md): inline <think> unless reasoning_split; temperature (0, 1];
    // undocumented parameters stripped; base_resp errors with HTTP 200.
    private static readonly ProviderProfile MiniMax = new()
    {
        Kind = "minimax",
        ReasoningField = ReasoningFields.ThinkTags,
        ExtractThinkTags = true,
        MaxTokensField = "max_completion_tokens",
        Thinking = ThinkingStyle.ReasoningSplit,
        RequiresReasoningReplay = true,
        Temperature = new NumberRule(0, MinExclusive: true, 1, Clamp: false),
        StrippedParameters = ["response_format", "parallel_tool_calls", "seed", .. Penalties],
        EmbedsErrorsInBody = true,
    };

    // Doubao / Ark (docs/vendors.md).
    private static readonly ProviderProfile Ark = new()
    {
        Kind = "ark",
        MaxTokensField = "max_tokens",
        Thinking = ThinkingStyle.ThinkingObject,
    };

    // Qianfan / ERNIE (docs/vendors.md): thinking parameter names unverified, so no translation.
    private static readonly ProviderProfile Qianfan = new() { Kind = "qianfan", MaxTokensField = "max_tokens" };

    // StepFun (docs/vendors.md): reasoning field unverified; the normalizer accepts both names.
    private static readonly ProviderProfile StepFun = new() { Kind = "stepfun", ReasoningField = ReasoningFields.Reasoning };

    private static readonly ProviderProfile OpenRouter = new() { Kind = "openrouter", ReasoningField = ReasoningFields.Reasoning };

    // OpenAI (docs/dialects.md, OpenAI Chat Completions): max_completion_tokens everywhere (required by
    // reasoning models); stop ≤ 4; strict schema.
    private static readonly ProviderProfile OpenAI = new()
    {
        Kind = "openai",
        MaxTokensField = "max_completion_tokens",
        Thinking = ThinkingStyle.ReasoningEffort,
        ReasoningEffortWords = ["none", "minimal", "low", "medium", "high", "xhigh"],
        AcceptsSystemMessagesAnywhere = true,
        AcceptsReasoningInHistory = false,
        MaxStopSequences = 4,
    };

    // Self-hosted servers (docs/vendors.md): they accept OpenAI requests as they are; only responses need care.
    private static readonly ProviderProfile Vllm = new() { Kind = "vllm", ReasoningField = ReasoningFields.Reasoning, ExtractThinkTags = true };
    private static readonly ProviderProfile Sglang = new() { Kind = "sglang", ExtractThinkTags = true };
    private static readonly ProviderProfile LlamaCpp = new() { Kind = "llamacpp", ExtractThinkTags = true };
    private static readonly ProviderProfile Ollama = new() { Kind = "ollama", ReasoningField = ReasoningFields.Reasoning };
    private static readonly ProviderProfile OpenAICompatible = new() { Kind = "openai-compatible", ReasoningField = ReasoningFields.Reasoning, ExtractThinkTags = true };
    private static readonly ProviderProfile Anthropic = new() { Kind = "anthropic" };

    private static readonly FrozenDictionary<string, ProviderProfile> ByKind = new[]
    {
        DeepSeek, Moonshot, DashScope, Zhipu, Zhipu with { Kind = "zai" }, MiniMax, Ark, Qianfan, StepFun,
        OpenRouter, OpenAI, Vllm, Sglang, LlamaCpp, Ollama, OpenAICompatible, Anthropic,
    }.ToFrozenDictionary(profile => profile.Kind, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ModelProfileRule[]> ByModel = BuildModelRules()
        .GroupBy(rule => rule.Kind, StringComparer.Ordinal)
        .ToFrozenDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);

    /// <summary>Every built-in kind profile (tests use it to check coverage of <c>ProviderKinds.All</c>).</summary>
    public static IEnumerable<ProviderProfile> Kinds => ByKind.Values;

    /// <summary>
    /// The profile for a kind and upstream model: the first matching per-model rule, else the kind's
    /// profile, else a rule-free profile (an unknown kind is treated as a plain OpenAI-compatible server).
    /// </summary>
    public static ProviderProfile For(string kind, string upstreamModel)
    {
        if (ByModel.TryGetValue(kind, out var rules))
        {
            foreach (var rule in rules)
            {
                if (rule.Matches(upstreamModel))
                {
                    return rule.Profile;
                }
            }
        }

        return ByKind.TryGetValue(kind, out var profile) ? profile : OpenAICompatible with { Kind = kind };
    }

    private static IEnumerable<ModelProfileRule> BuildModelRules()
    {
        // Order matters within a kind: the first match wins, so longer prefixes come first.
        // Moonshot Kimi (docs/vendors.md): K3 pins sampling ("only 1 is allowed") and always reasons;
        // it takes reasoning_effort, not thinking.
        var k3 = Moonshot with
        {
            MaxTokensField = "max_completion_tokens",
            Thinking = ThinkingStyle.ReasoningEffort,
            ReasoningEffortWords = ["low", "high", "max"],
            ThinkingAlwaysOn = true,
            FixedParameters = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["temperature"] = 1, ["n"] = 1, ["presence_penalty"] = 0, ["frequency_penalty"] = 0,
            },
        };
        yield return new ModelProfileRule("moonshot", ["kimi-k3"], k3);

        // Moonshot Kimi (docs/vendors.md): K2.7-code rejects thinking "disabled"; K2.6+ documents
        // max_completion_tokens.
        yield return new ModelProfileRule("moonshot", ["kimi-k2.7-code"], Moonshot with { MaxTokensField = "max_completion_tokens", ThinkingAlwaysOn = true });
        yield return new ModelProfileRule("moonshot", ["kimi-k2.6", "kimi-k2.7"], Moonshot with { MaxTokensField = "max_completion_tokens" });

        // Qwen (docs/vendors.md): open-weights Qwen3 reject non-stream calls with thinking on.
        yield return new ModelProfileRule(
            "dashscope",
            ["qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b", "qwen3-14b", "qwen3-30b", "qwen3-32b", "qwen3-235b", "qwen3-next-", "qwen3.5-397b", "qwen3.5-122b", "qwen3.5-35b", "qwen3.5-27b"],
            DashScope with { NonStreamThinkingMustBeOff = true });

        // Zhipu GLM / Z.ai (docs/vendors.md): GLM-5.3 rejects thinking "disabled"; GLM-5.2+ take
        // reasoning_effort low|high|max.
        foreach (var kind in new[] { "zhipu", "zai" })
        {
            yield return new ModelProfileRule(kind, ["glm-5.3"], Zhipu with { Kind = kind, ThinkingAlwaysOn = true, ReasoningEffortWords = ["low", "high", "max"] });
            yield return new ModelProfileRule(kind, ["glm-5.2"], Zhipu with { Kind = kind, ReasoningEffortWords = ["low", "high", "max"] });
        }

        // MiniMax (docs/vendors.md): M3.1-Flash-Preview uses reasoning_content; M3 takes a thinking object.
        yield return new ModelProfileRule("minimax", ["MiniMax-M3.1-Flash"], MiniMax with { ReasoningField = ReasoningFields.ReasoningContent, Thinking = ThinkingStyle.ThinkingObject });
        yield return new ModelProfileRule("minimax", ["MiniMax-M3"], MiniMax with { Thinking = ThinkingStyle.ThinkingObject });
    }
}
