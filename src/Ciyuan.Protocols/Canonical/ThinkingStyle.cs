namespace Ciyuan.Protocols.Canonical;

/// <summary>How an OpenAI-dialect upstream is told to think (providers.md §3.1).</summary>
public enum ThinkingStyle
{
    /// <summary>The upstream has no switch; reasoning settings are dropped.</summary>
    None,

    /// <summary><c>"thinking":{"type":"enabled"|"disabled"}</c> — DeepSeek, Kimi, GLM, Ark.</summary>
    ThinkingObject,

    /// <summary><c>"enable_thinking":bool</c> plus <c>"thinking_budget":N</c> — Qwen.</summary>
    EnableThinking,

    /// <summary><c>"reasoning_effort":"low|medium|high…"</c> — OpenAI, Ollama.</summary>
    ReasoningEffort,
}
