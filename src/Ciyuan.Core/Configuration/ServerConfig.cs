namespace Ciyuan.Core.Configuration;

/// <summary>Front-door settings of <c>ciyuan serve</c>.</summary>
public sealed record ServerConfig
{
    public const string DefaultUrls = "http://127.0.0.1:4000";

    public string? Urls { get; init; }

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest non-streamed upstream answer read into memory; a larger one is refused as an upstream
    /// error (a chat answer is further bounded by what its request could justify).
    /// </summary>
    public long MaxUpstreamBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Largest body <c>/v1/tokenize</c> and <c>/v1/messages/count_tokens</c> accept; larger ones get 413.</summary>
    public long MaxTokenizeBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// When true, deployments with no price (neither in config nor in the catalog) are not served;
    /// otherwise they are served and their ledger rows are flagged unpriced.
    /// </summary>
    public bool RefuseUnpriced { get; init; }

    /// <summary>A bearer token that may read <c>/metrics</c> (besides the master key) without being an admin.</summary>
    public string? MetricsToken { get; init; }

    /// <summary>
    /// After SIGTERM or SIGINT, how long the gateway keeps accepting connections while <c>/readyz</c>
    /// answers 503, so a load balancer notices before the listener closes.
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After the listener closes, how long requests and streams in flight may take to finish; those
    /// still open then end with an error event and a ledger line.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Serve the dashboard at <c>/ui</c> (on by default; it still needs the master key or an admin token to sign in).</summary>
    public bool Ui { get; init; } = true;

    public static ServerConfig Default { get; } = new();
}
