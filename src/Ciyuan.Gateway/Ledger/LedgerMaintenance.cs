using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.State;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Ledger;

/// <summary>
/// Hourly upkeep: request lines past <c>storage.retention_days</c> are deleted. Rollups, budget
/// entries and spend counters stay, so reports and budgets are unchanged.
/// </summary>
internal sealed partial class LedgerMaintenance(IStorageBackend store, LiveConfig live, TimeProvider time, ILogger<LedgerMaintenance> logger) : HourlyUpkeep(time)
{
    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (live.Current.Config.Storage.RetentionDays is { } days)
            {
                var deleted = await store.ApplyRetentionAsync(Time.GetUtcNow().AddDays(-days), stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    Log.RetentionApplied(logger, deleted, days);
                }
            }
        }
        catch (Exception ex) when (ex is StorageException or InvalidOperationException or System.Data.Common.DbException)
        {
            Log.Failed(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RetentionApplied, Level = LogLevel.Information, Message = "Deleted {Count} request lines older than {Days} days (rollups keep their totals)")]
        public static partial void RetentionApplied(ILogger logger, long count, int days);

        [LoggerMessage(EventId = EventIds.MaintenanceFailed, Level = LogLevel.Warning, Message = "Ledger upkeep failed; it runs again in an hour: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
