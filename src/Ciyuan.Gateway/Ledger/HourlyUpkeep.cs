namespace Ciyuan.Gateway.Ledger;

/// <summary>
/// Work run once at start-up and then every hour until the host stops, on the host's clock (so a
/// test can advance it). A pass that fails is the pass's own business: it logs and waits for the next.
/// </summary>
internal abstract class HourlyUpkeep(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>The host's clock.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>One pass.</summary>
    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
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
}
