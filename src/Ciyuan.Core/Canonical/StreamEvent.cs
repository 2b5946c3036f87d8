namespace Ciyuan.Core.Canonical;

/// <summary>
/// One step of a streamed answer, dialect-free. Tool calls are numbered by <c>Index</c>: the
/// ordinal of the call within the response (0, 1, …), whatever numbering the upstream used.
/// </summary>
public abstract record StreamEvent;
