namespace Ciyuan.Core.Configuration;

/// <summary>Front-door settings of <c>ciyuan serve</c>.</summary>
public sealed record ServerConfig
{
    public const string DefaultUrls = "http://127.0.0.1:4000";

    public string? Urls { get; init; }

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// When true, deployments with no price (neither in config nor in the catalog) are not served;
    /// otherwise they are served and their ledger rows are flagged unpriced.
    /// </summary>
    public bool RefuseUnpriced { get; init; }

    /// <summary>Serve the dashboard at <c>/ui</c> (on by default; it still needs the master key or an admin token to sign in).</summary>
    public bool Ui { get; init; } = true;

    public static ServerConfig Default { get; } = new();
}
