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

    public static ServerConfig Default { get; } = new();
}
