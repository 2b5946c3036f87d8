namespace Ciyuan.Providers.Profiles;

/// <summary>The values of <see cref="ProviderProfile.ReasoningField"/>: where a vendor puts reasoning text.</summary>
public static class ReasoningFields
{
    /// <summary>The de-facto standard the gateway hands to clients (DeepSeek, Kimi, Qwen, GLM, Ark…).</summary>
    public const string ReasoningContent = "reasoning_content";

    /// <summary>vLLM since late 2025, Ollama, OpenRouter, StepFun (unverified).</summary>
    public const string Reasoning = "reasoning";

    /// <summary>MiniMax with <c>reasoning_split: true</c>: <c>[{"type":"reasoning.text","text":"…"}]</c>.</summary>
    public const string ReasoningDetails = "reasoning_details";

    /// <summary>Inline <c>&lt;think&gt;…&lt;/think&gt;</c> at the start of <c>content</c> (MiniMax default, raw open weights).</summary>
    public const string ThinkTags = "think_tags";
}
