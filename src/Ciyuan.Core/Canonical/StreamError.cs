namespace Ciyuan.Core.Canonical;

/// <summary>The stream failed; nothing follows. <paramref name="Type"/> is the upstream's error type or code.</summary>
public sealed record StreamError(string Type, string Message) : StreamEvent;
