using Ciyuan.Core.Configuration;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.Doors;

/// <summary>How a canonical request is written for one OpenAI-dialect deployment, read off its vendor profile.</summary>
internal static class TranslationOptions
{
    public static OpenAIEncodeOptions For(DeploymentConfig deployment, ProviderProfile profile) => new()
    {
        UpstreamModel = deployment.UpstreamModel,
        MaxTokensField = profile.MaxTokensField ?? "max_tokens",
        // The profile says where a vendor *answers* with reasoning; in request history nearly every
        // server reads reasoning_content, and only vLLM and Ollama name it reasoning.
        ReasoningField = deployment.Provider.Kind is "vllm" or "ollama" ? "reasoning" : "reasoning_content",
        ReplayReasoning = profile.AcceptsReasoningInHistory,
        IncludeUsage = profile.AcceptsStreamOptions,
        ThinkingStyle = profile.Thinking,
        SupportsTopK = deployment.Provider.Kind is "vllm" or "sglang" or "llamacpp" or "ollama" or "dashscope" or ProviderKinds.OpenAICompatible,
        MaxStopSequences = profile.MaxStopSequences ?? 4,
        UserField = deployment.Provider.Kind is "deepseek" or "zhipu" or "zai" ? "user_id" : "user",
        SystemMessagesAnywhere = profile.AcceptsSystemMessagesAnywhere,
        EffortWords = profile.ReasoningEffortWords,
    };
}
