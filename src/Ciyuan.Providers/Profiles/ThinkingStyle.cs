namespace Ciyuan.Providers.Profiles;

/// <summary>How a vendor's chat endpoint lets the caller switch thinking on or off.</summary>
public enum ThinkingStyle
{
    /// <summary>No thinking control: foreign controls are forwarded untouched.</summary>
    None,

    /// <summary><c>thinking: {"type": "enabled" | "disabled"}</c> (DeepSeek, Kimi K2.x, GLM, Ark, MiniMax M3).</summary>
    ThinkingObject,

    /// <summary>Top-level <c>enable_thinking</c> plus <c>thinking_budget</c> (Qwen / DashScope).</summary>
    EnableThinking,

    /// <summary><c>reasoning_effort</c> (OpenAI, Ollama, Kimi K3).</summary>
    ReasoningEffort,

    /// <summary>Always thinks; <c>reasoning_split</c> only chooses where the text goes (MiniMax M2.x).</summary>
    ReasoningSplit,
}
