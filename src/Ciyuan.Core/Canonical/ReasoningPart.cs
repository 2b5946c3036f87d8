namespace Ciyuan.Core.Canonical;

/// <summary>
/// Model reasoning. <paramref name="Signature"/> is Anthropic's opaque proof that the text is the
/// model's own; it is carried untouched so a thinking block can be replayed to Anthropic later
/// (Anthropic rejects unsigned thinking). <paramref name="RedactedData"/> is set instead of text for
/// Anthropic <c>redacted_thinking</c>.
/// </summary>
public sealed record ReasoningPart(string Text, string? Signature = null, string? RedactedData = null) : ContentPart;
