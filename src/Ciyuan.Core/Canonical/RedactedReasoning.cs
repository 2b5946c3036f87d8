namespace Ciyuan.Core.Canonical;

/// <summary>A whole Anthropic <c>redacted_thinking</c> block: encrypted, never shown, replayed verbatim.</summary>
public sealed record RedactedReasoning(string Data) : StreamEvent;
