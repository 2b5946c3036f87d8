namespace Ciyuan.Core.Canonical;

public sealed record ToolCallStarted(int Index, string Id, string Name) : StreamEvent;
