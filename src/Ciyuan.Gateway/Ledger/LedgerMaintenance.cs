using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.State;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Ledger;

/// <summary>
/// Hourly upkeep: request lines past <c>storage.retention_days</c> are deleted. Rollups, budget
/// entries and spend counters stay, so reports and budgets are unchanged.
/// </summary>
internal sealed partial class LedgerMaintenance(IStorageBackend store, LiveConfig live, TimeProvider time, ILogger<LedgerMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (live.Current.Config.Storage.RetentionDays is { } days)
            {
                var deleted = await store.ApplyRetentionAsync(time.GetUtcNow().AddDays(-days), stoppingToken).ConfigureAwait(false);
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
