using System.Collections.Frozen;

namespace Ciyuan.Core.Configuration;

/// <summary>The values config <c>kind:</c> accepts.</summary>
public static class ProviderKinds
{
    public const string OpenAICompatible = "openai-compatible";
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string OpenRouter = "openrouter";

    public static FrozenSet<string> All { get; } = new[]
    {
        "deepseek", "moonshot", "dashscope", "zhipu", "zai", "minimax", "ark", "qianfan", "stepfun",
        OpenRouter, OpenAI, Anthropic, "vllm", "sglang", "llamacpp", "ollama", OpenAICompatible,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Kinds that are, by default, servers the team runs itself.</summary>
    public static FrozenSet<string> SelfHosted { get; } = new[]
    {
        "vllm", "sglang", "llamacpp", "ollama", OpenAICompatible,
    }.ToFrozenSet(StringComparer.Ordinal);
}
