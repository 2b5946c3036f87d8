namespace Ciyuan.Protocols.Sse;

public enum SseFrameKind
{
    /// <summary>An event with data (the <c>data:</c> lines joined by newlines).</summary>
    Data,

    /// <summary>A comment line such as <c>: keep-alive</c>.</summary>
    Comment,
}
