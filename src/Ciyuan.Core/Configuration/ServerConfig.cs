namespace Ciyuan.Core.Configuration;

/// <summary>Front-door settings of <c>ciyuan serve</c>.</summary>
public sealed record ServerConfig
{
    public const string DefaultUrls = "http://127.0.0.1:4000";

    public string? Urls { get; init; }

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    public static ServerConfig Default { get; } = new();
}
