namespace Ciyuan.Core.Canonical;

/// <summary>Generation ended; usage may still follow (OpenAI sends it in a later chunk).</summary>
public sealed record ResponseFinished(FinishReason Reason, string? RawReason = null, string? StopSequence = null) : StreamEvent;
