namespace Ciyuan.Core.Configuration;

/// <summary><c>metrics:</c> — the Prometheus scrape endpoint <c>/metrics</c> and what its series are labelled with.</summary>
public sealed record MetricsConfig
{
    /// <summary>Whether <c>/metrics</c> is served and the instruments are collected (default on).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Adds the client key's id (never its secret) as a label of the request, token and cost series.
    /// Off by default: a label per key multiplies the series by the number of keys.
    /// </summary>
    public bool PerKey { get; init; }

    public static MetricsConfig Default { get; } = new();
}
