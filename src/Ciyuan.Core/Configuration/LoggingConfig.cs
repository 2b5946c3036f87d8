namespace Ciyuan.Core.Configuration;

/// <summary><c>logging:</c> — how <c>ciyuan serve</c> writes its log to standard output.</summary>
public sealed record LoggingConfig
{
    /// <summary>One line per event: readable text (default) or one JSON object per line.</summary>
    public LogFormat Format { get; init; } = LogFormat.Text;

    /// <summary>Also log one line per finished request (off by default: it costs a line per request).</summary>
    public bool Requests { get; init; }

    public static LoggingConfig Default { get; } = new();
}
