using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.OpenAI;

/// <summary>What one OpenAI-dialect response body or stream chunk says, as far as metering cares.</summary>
public struct OpenAIChunkFacts
{
    public bool HasUsage { get; set; }

    public TokenUsage Usage { get; set; }

    /// <summary>The chunk has <c>"choices": []</c> — the extra usage-only chunk of <c>include_usage</c>.</summary>
    public bool ChoicesEmpty { get; set; }

    /// <summary>The body is an error object (<c>{"error": ...}</c>), e.g. a mid-stream failure.</summary>
    public bool IsError { get; set; }

    /// <summary>UTF-8 bytes of generated text (content and reasoning) and tool-call arguments.</summary>
    public int GeneratedBytes { get; set; }

    public string? FinishReason { get; set; }

    /// <summary>The bytes are not a JSON object.</summary>
    public bool Malformed { get; set; }
}
