namespace Ciyuan.Core.Canonical;

/// <summary>The opaque signature that closes a thinking block (Anthropic <c>signature_delta</c>).</summary>
public sealed record ReasoningSignature(string Signature) : StreamEvent;
