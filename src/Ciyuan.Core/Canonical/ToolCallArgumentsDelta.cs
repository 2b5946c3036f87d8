namespace Ciyuan.Core.Canonical;

/// <summary>A fragment of a tool call's JSON arguments; fragments concatenate per <paramref name="Index"/>.</summary>
public sealed record ToolCallArgumentsDelta(int Index, string Json) : StreamEvent;
