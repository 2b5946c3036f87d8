using System.Collections.Frozen;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// The item types of the OpenAI Responses API (docs/dialects.md, "OpenAI Responses"). Ciyuan reads the
/// conversational ones into the canonical model; the others belong to tools that run only at a
/// native Responses endpoint (web search, file search, code interpreter, computer use, MCP…) and pass
/// through there untouched. A type outside both sets is not Responses input at all.
/// </summary>
public static class ResponsesItemTypes
{
    public const string Message = "message";
    public const string FunctionCall = "function_call";
    public const string FunctionCallOutput = "function_call_output";
    public const string CustomToolCall = "custom_tool_call";
    public const string CustomToolCallOutput = "custom_tool_call_output";
    public const string Reasoning = "reasoning";

    /// <summary>Items a translation reads.</summary>
    public static FrozenSet<string> Conversational { get; } = new[]
    {
        Message, FunctionCall, FunctionCallOutput, CustomToolCall, CustomToolCallOutput, Reasoning,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Items of hosted tools and stored state: only a native Responses endpoint can take them.</summary>
    public static FrozenSet<string> NativeOnly { get; } = new[]
    {
        "item_reference", "web_search_call", "file_search_call", "computer_call", "computer_call_output",
        "code_interpreter_call", "image_generation_call", "local_shell_call", "local_shell_call_output",
        "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output",
        "mcp_list_tools", "mcp_approval_request", "mcp_approval_response", "mcp_call", "compaction",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The tools that run at OpenAI (or another native Responses endpoint), not in the client.</summary>
    public static FrozenSet<string> HostedTools { get; } = new[]
    {
        "web_search", "web_search_preview", "web_search_preview_2025_03_11", "web_search_2025_08_26", "file_search",
        "code_interpreter", "computer_use_preview", "computer", "image_generation", "mcp", "local_shell", "shell", "apply_patch",
        "tool_search",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True for any type the Responses API defines as an input item.</summary>
    public static bool IsKnown(string type) => Conversational.Contains(type) || NativeOnly.Contains(type);
}
