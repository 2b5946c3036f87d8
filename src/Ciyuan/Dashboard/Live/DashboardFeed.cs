using Ciyuan.Core.Metering;
using Ciyuan.Dashboard.Views;
using Ciyuan.Gateway.Diagnostics;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// Turns committed ledger records into live dashboard events, once a second and only while a
/// browser is watching: the new requests, a fresh Overview when anything changed (and every ten
/// seconds anyway, for other instances' traffic), and the deployments' live state every two. One
/// computation serves every open browser, so more viewers do not mean more queries.
/// </summary>
internal sealed partial class DashboardFeed(
    LedgerFeed ledger, DeploymentActivity activity, DashboardBroadcast broadcast, OverviewView overview, RequestsView requests, DeploymentsView deployments,
    ILogger<DashboardFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick);
        var fresh = new List<UsageRecord>();
        var ticks = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                ticks++;
                fresh.Clear();
                while (ledger.Committed.TryRead(out var record))
                {
                    activity.Add(record);
                    fresh.Add(record);
                }

                if (broadcast.Count == 0)
                {
                    continue;
                }

                try
                {
                    await PublishAsync(fresh, ticks, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    Log.FeedFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task PublishAsync(List<UsageRecord> fresh, long ticks, CancellationToken cancellationToken)
    {
        if (fresh.Count > 0)
        {
            fresh.Reverse();
            broadcast.Publish("requests", await requests.WriteAsync(fresh.Take(RequestsView.MaxLimit).ToArray(), cancellationToken).ConfigureAwait(false));
        }

        if (fresh.Count > 0 || ticks % 10 == 0)
        {
            broadcast.Publish("overview", await overview.BuildAsync(cancellationToken).ConfigureAwait(false));
        }

        if (ticks % 2 == 0)
        {
            broadcast.Publish("deployments", deployments.Build());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DashboardFeedFailed, Level = LogLevel.Warning, Message = "The dashboard's live update failed; the next one tries again: {Reason}")]
        public static partial void FeedFailed(ILogger logger, string reason);
    }
}
