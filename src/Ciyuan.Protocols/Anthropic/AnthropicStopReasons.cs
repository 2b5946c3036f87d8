using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>The <c>stop_reason</c> table of docs/dialects.md (response mapping and stop reasons).</summary>
internal static class AnthropicStopReasons
{
    /// <summary>Unknown reasons count as a normal end, as Anthropic documents new ones over time.</summary>
    public static FinishReason ToCanonical(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        "stop_sequence" => FinishReason.StopSequence,
        _ => FinishReason.Stop,
    };

    /// <summary>
    /// Prefers the upstream's own word when it was an Anthropic reason meaning the same thing
    /// (keeps <c>pause_turn</c>, <c>model_context_window_exceeded</c> on Anthropic → Anthropic).
    /// </summary>
    public static string FromCanonical(FinishReason reason, string? raw, string? stopSequence)
    {
        if (raw is "end_turn" or "max_tokens" or "stop_sequence" or "tool_use" or "pause_turn" or "refusal" or "model_context_window_exceeded"
            && ToCanonical(raw) == reason)
        {
            return raw;
        }

        return reason switch
        {
            FinishReason.Length => "max_tokens",
            FinishReason.ToolCalls => "tool_use",
            FinishReason.ContentFilter => "refusal",
            FinishReason.StopSequence => "stop_sequence",
            FinishReason.Stop when stopSequence is not null => "stop_sequence",
            _ => "end_turn",
        };
    }
}
