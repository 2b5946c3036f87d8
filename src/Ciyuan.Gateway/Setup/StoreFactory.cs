using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Setup;

/// <summary>Opens the configured backend (SQLite under the data directory, or PostgreSQL), migrated to this build's schema.</summary>
internal static class StoreFactory
{
    /// <param name="meter">The gateway's meter, for the ledger's commit times and queue; null for commands that serve nothing.</param>
    public static Task<IStorageBackend> OpenAsync(CiyuanPaths paths, CiyuanConfig config, CancellationToken cancellationToken, TimeProvider? time = null,
        System.Diagnostics.Metrics.Meter? meter = null) =>
        StorageBackends.OpenAsync(OptionsFor(paths, config, time ?? TimeProvider.System) with { Meter = meter }, cancellationToken);

    public static StorageOptions OptionsFor(CiyuanPaths paths, CiyuanConfig config, TimeProvider time) => new()
    {
        Time = time,
        Config = config.Storage,
        DataDirectory = paths.DataDirectory,
        InstanceId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
        Currency = new CurrencyConverter(config.Routing.CnyToUsd),
        TimeZone = config.Budgets.TimeZone,
    };
}
