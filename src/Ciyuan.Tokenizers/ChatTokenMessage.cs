namespace Ciyuan.Tokenizers;

/// <summary>One chat message: role (<c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>) and text.</summary>
/// <param name="Role">The role.</param>
/// <param name="Content">The text content (empty when an assistant message only carries tool calls).</param>
/// <param name="ReasoningContent">Reasoning text replayed with an assistant message, if any.</param>
/// <param name="ToolCalls">Tool calls made by an assistant message, if any.</param>
/// <param name="ToolCallId">For <c>tool</c> messages, the call answered.</param>
public sealed record ChatTokenMessage(
    string Role,
    string Content,
    string? ReasoningContent = null,
    IReadOnlyList<ChatTokenToolCall>? ToolCalls = null,
    string? ToolCallId = null);
