using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// The <c>finish_reason</c> table of docs/dialects.md (OpenAI Chat Completions; response mapping and
/// stop reasons).
/// </summary>
internal static class OpenAIFinishReasons
{
    /// <summary>Unknown reasons count as <c>stop</c>, as vendors keep adding their own.</summary>
    public static FinishReason ToCanonical(string? finishReason) => finishReason switch
    {
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" or "sensitive" => FinishReason.ContentFilter,
        "insufficient_system_resource" or "network_error" => FinishReason.Error,
        _ => FinishReason.Stop,
    };

    /// <summary><see cref="FinishReason.Error"/> has no OpenAI word; encoders send an error instead.</summary>
    public static string FromCanonical(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => "stop",
    };
}
