namespace Ciyuan.Core.Canonical;

public sealed record ReasoningDelta(string Text) : StreamEvent;
