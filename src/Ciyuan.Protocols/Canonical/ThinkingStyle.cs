namespace Ciyuan.Protocols.Canonical;

/// <summary>How a vendor's chat endpoint lets the caller switch thinking on or off (docs/vendors.md, thinking and effort).</summary>
public enum ThinkingStyle
{
    /// <summary>No thinking control: reasoning settings are dropped on translation, foreign controls forwarded untouched.</summary>
    None,

    /// <summary><c>"thinking":{"type":"enabled"|"disabled"}</c> — DeepSeek, Kimi, GLM, Ark.</summary>
    ThinkingObject,

    /// <summary><c>"enable_thinking":bool</c> plus <c>"thinking_budget":N</c> — Qwen.</summary>
    EnableThinking,

    /// <summary><c>"reasoning_effort":"low|medium|high…"</c> — OpenAI, Ollama, Kimi K3.</summary>
    ReasoningEffort,

    /// <summary>Always thinks; <c>reasoning_split</c> only chooses where the text goes (MiniMax M2.x): no switch to write.</summary>
    ReasoningSplit,
}
