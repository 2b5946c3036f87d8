namespace Ciyuan.Core.Canonical;

/// <summary>
/// What the client asked about thinking. Both knobs are kept because the dialects disagree:
/// Anthropic speaks in budget tokens, OpenAI and most Chinese vendors in effort levels.
/// <paramref name="Mode"/> is null when the client only named an effort (OpenAI
/// <c>reasoning_effort</c>, or Anthropic <c>output_config.effort</c> without <c>thinking</c>).
/// </summary>
public sealed record ReasoningConfig(ReasoningMode? Mode)
{
    public int? BudgetTokens { get; init; }

    /// <summary>The effort word as the client wrote it (<c>none</c>, <c>minimal</c>, <c>low</c>, <c>high</c>, <c>max</c>…).</summary>
    public string? Effort { get; init; }
}
