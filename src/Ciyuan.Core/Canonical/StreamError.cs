namespace Ciyuan.Core.Canonical;

/// <summary>The stream failed; nothing follows. <paramref name="Type"/> is the upstream's error type or code.</summary>
public sealed record StreamError(string Type, string Message) : StreamEvent
{
    /// <summary>Ciyuan's code for the failure when the gateway ended the stream (e.g. <c>stream_truncated</c>); null for the upstream's own error.</summary>
    public string? Code { get; init; }
}
