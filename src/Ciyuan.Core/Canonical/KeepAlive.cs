namespace Ciyuan.Core.Canonical;

/// <summary>The upstream is alive but has nothing to say (SSE comment / Anthropic ping).</summary>
public sealed record KeepAlive : StreamEvent
{
    public static KeepAlive Instance { get; } = new();
}
