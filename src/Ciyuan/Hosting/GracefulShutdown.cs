using System.Runtime.InteropServices;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.State;

namespace Ciyuan.Hosting;

/// <summary>
/// How <c>ciyuan serve</c> stops on SIGTERM or SIGINT (what service managers, Kubernetes and Ctrl+C
/// send): <c>/readyz</c> turns 503 at once while the listener stays open for
/// <c>server.drain_delay_seconds</c>, so a load balancer stops sending; then the listener closes and
/// requests and streams in flight have <c>server.drain_timeout_seconds</c> to finish. What is still
/// open then ends with its dialect's error event and a ledger line; the ledger is flushed and the
/// process exits 0. A second signal skips what is left of the wait: open answers end at once, still
/// each with its error and its line.
/// </summary>
internal sealed partial class GracefulShutdown(
    IHostApplicationLifetime lifetime,
    GatewayDrain drain,
    LiveConfig live,
    Microsoft.Extensions.Options.IOptions<HostOptions> hostOptions,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostLifetime, IDisposable
{
    /// <summary>What the host may still spend after the drain deadline: ending open answers and flushing the ledger.</summary>
    private static readonly TimeSpan AfterDeadline = TimeSpan.FromSeconds(15);

    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly CancellationTokenSource _delay = new();

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // The default action would end the process now, cutting every open stream.
                context.Cancel = true;
                OnStopSignal(context.Signal);
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        _delay.Dispose();
    }

    private void OnStopSignal(PosixSignal signal)
    {
        var server = live.Current.Config.Server;
        if (!drain.Begin(time.GetUtcNow()))
        {
            Log.DrainHurried(logger, signal);
            drain.EndInFlightNow();
            _delay.Cancel();
            return;
        }

        Log.DrainStarted(logger, signal, server.DrainDelay.TotalSeconds, server.DrainTimeout.TotalSeconds);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(server.DrainDelay, time, _delay.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A second signal: stop waiting.
            }

            Log.ListenerClosing(logger, server.DrainTimeout.TotalSeconds);
            drain.EndInFlightAfter(server.DrainTimeout);
            hostOptions.Value.ShutdownTimeout = server.DrainTimeout + AfterDeadline;
            lifetime.StopApplication();
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DrainStarted, Level = LogLevel.Information,
            Message = "{Signal} received: draining. /readyz answers 503; new connections are accepted for {Delay} s more, then requests in flight have {Timeout} s to finish")]
        public static partial void DrainStarted(ILogger logger, PosixSignal signal, double delay, double timeout);

        [LoggerMessage(EventId = EventIds.DrainListenerClosing, Level = LogLevel.Information,
            Message = "Listener closing; waiting up to {Timeout} s for requests in flight")]
        public static partial void ListenerClosing(ILogger logger, double timeout);

        [LoggerMessage(EventId = EventIds.DrainDeadline, Level = LogLevel.Warning,
            Message = "{Signal} received again: ending open answers now (each with an error event and a ledger line)")]
        public static partial void DrainHurried(ILogger logger, PosixSignal signal);
    }
}
