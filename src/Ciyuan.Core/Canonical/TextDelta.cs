namespace Ciyuan.Core.Canonical;

public sealed record TextDelta(string Text) : StreamEvent;
