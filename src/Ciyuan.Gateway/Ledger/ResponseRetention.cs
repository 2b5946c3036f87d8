using Ciyuan.Core.Responses;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.State;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Ledger;

/// <summary>
/// Hourly upkeep of stored Responses answers: those older than <c>storage.responses_retention_days</c>
/// (default 30, OpenAI's own retention) are deleted with their input items. A conversation that
/// continued one of them can no longer be rebuilt, and says so.
/// </summary>
internal sealed partial class ResponseRetention(IResponseStore store, LiveConfig live, TimeProvider time, ILogger<ResponseRetention> logger) : HourlyUpkeep(time)
{
    protected override Task RunOnceAsync(CancellationToken stoppingToken) => PruneOnceAsync(stoppingToken);

    /// <summary>Deletes what has expired; how many responses went.</summary>
    public async Task<long> PruneOnceAsync(CancellationToken stoppingToken)
    {
        // Read at each pass: a reload that changes the retention applies from the next one.
        var days = live.Current.Config.Storage.ResponsesRetentionDays;
        try
        {
            var deleted = await store.PruneAsync(Time.GetUtcNow().AddDays(-days), stoppingToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                Log.Pruned(logger, deleted, days);
            }

            return deleted;
        }
        catch (Exception ex) when (ex is StorageException or InvalidOperationException or System.Data.Common.DbException)
        {
            Log.Failed(logger, ex.Message);
            return 0;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ResponsesPruned, Level = LogLevel.Information, Message = "Deleted {Count} stored responses older than {Days} days")]
        public static partial void Pruned(ILogger logger, long count, int days);

        [LoggerMessage(EventId = EventIds.MaintenanceFailed, Level = LogLevel.Warning, Message = "Stored-response upkeep failed; it runs again in an hour: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
