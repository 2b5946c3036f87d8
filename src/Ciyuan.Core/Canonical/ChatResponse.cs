using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Canonical;

/// <summary>A complete (non-stream) assistant answer.</summary>
public sealed record ChatResponse
{
    public required string Id { get; init; }

    public required string Model { get; init; }

    /// <summary>Assistant output in order: reasoning, text, tool calls.</summary>
    public required IReadOnlyList<ContentPart> Content { get; init; }

    public FinishReason FinishReason { get; init; }

    /// <summary>The upstream's own word for why it stopped, for logs and same-dialect replies.</summary>
    public string? RawFinishReason { get; init; }

    /// <summary>The stop string that ended generation, when the upstream says which.</summary>
    public string? StopSequence { get; init; }

    public TokenUsage? Usage { get; init; }

    /// <summary>OpenAI <c>created</c> (Unix seconds); encoders use the current time when absent.</summary>
    public long? Created { get; init; }
}
