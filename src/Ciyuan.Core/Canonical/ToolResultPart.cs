namespace Ciyuan.Core.Canonical;

/// <summary>The result of one tool call. <paramref name="Content"/> holds text and image parts.</summary>
public sealed record ToolResultPart(string ToolCallId, IReadOnlyList<ContentPart> Content, bool IsError) : ContentPart;
