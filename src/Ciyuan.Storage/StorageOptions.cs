using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage;

/// <summary>What opening a backend needs besides its connection: where SQLite files go, this instance's id, the exchange rate and the clock.</summary>
public sealed record StorageOptions
{
    public required StorageConfig Config { get; init; }

    /// <summary>The directory relative SQLite paths are under.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Unique per running process; holds carry it so a restart can tell its own from a dead instance's.</summary>
    public required string InstanceId { get; init; }

    public required CurrencyConverter Currency { get; init; }

    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The gateway's meter, for commit times, queue depth and journal appends; null records nothing.</summary>
    public System.Diagnostics.Metrics.Meter? Meter { get; init; }
}
