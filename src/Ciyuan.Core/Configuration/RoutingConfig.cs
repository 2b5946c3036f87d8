namespace Ciyuan.Core.Configuration;

/// <summary>Gateway-wide routing settings (<c>routing:</c>); each model may override the strategy and limits.</summary>
public sealed record RoutingConfig
{
    /// <summary>USD per CNY, for comparing prices across currencies (cheapest strategy).</summary>
    public decimal CnyToUsd { get; init; } = 0.14m;

    public string Strategy { get; init; } = "ordered";

    public int MaxAttempts { get; init; } = 3;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public bool CacheAffinity { get; init; } = true;

    public static RoutingConfig Default { get; } = new();
}
