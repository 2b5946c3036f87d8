using Ciyuan.Core.Configuration;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Pipeline;

/// <summary>How a canonical request is written for one OpenAI-dialect deployment.</summary>
internal static class TranslationOptions
{
    public static OpenAIEncodeOptions For(DeploymentConfig deployment) => deployment.Provider.Kind switch
    {
        "deepseek" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ThinkingObject, UserField = "user_id" },
        "zhipu" or "zai" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ThinkingObject, UserField = "user_id", IncludeUsage = false },
        "moonshot" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ThinkingObject, MaxTokensField = "max_completion_tokens", MaxStopSequences = 5 },
        "ark" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ThinkingObject },
        "dashscope" => Base(deployment) with { ThinkingStyle = ThinkingStyle.EnableThinking, SupportsTopK = true },
        "minimax" => Base(deployment) with { MaxTokensField = "max_completion_tokens" },
        "openai" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ReasoningEffort, MaxTokensField = "max_completion_tokens" },
        "ollama" => Base(deployment) with { ThinkingStyle = ThinkingStyle.ReasoningEffort, ReasoningField = "reasoning", SupportsTopK = true },
        "vllm" => Base(deployment) with { ReasoningField = "reasoning", SupportsTopK = true },
        "sglang" or "llamacpp" or "openai-compatible" => Base(deployment) with { SupportsTopK = true },
        _ => Base(deployment),
    };

    private static OpenAIEncodeOptions Base(DeploymentConfig deployment) => new() { UpstreamModel = deployment.UpstreamModel };
}
