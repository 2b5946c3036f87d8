using Ciyuan.Core.Admin;
using Ciyuan.Dashboard.Access;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// <c>GET /ui/api/events</c>: server-sent events for one signed-in browser (<c>requests</c>,
/// <c>overview</c>, <c>deployments</c>), with a keep-alive comment every 15 s. The stream ends
/// when the session does (sign-out, revocation, expiry), checked every 30 s, and when the gateway
/// stops (an open dashboard must not hold up a graceful shutdown).
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SessionCheck = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(HttpContext context, DashboardBroadcast broadcast, DashboardSessions sessions, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellation = ended.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        var (id, events) = broadcast.Subscribe();
        var lastCheck = time.GetUtcNow();
        try
        {
            await response.WriteAsync("retry: 3000\n\n", cancellation).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
            while (!cancellation.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                wait.CancelAfter(KeepAlive);
                try
                {
                    var frame = await events.ReadAsync(wait.Token).ConfigureAwait(false);
                    await response.Body.WriteAsync(frame, cancellation).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellation).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
                if (time.GetUtcNow() - lastCheck > SessionCheck)
                {
                    lastCheck = time.GetUtcNow();
                    if (await sessions.FindAsync(context.Request, cancellation).ConfigureAwait(false) is not AdminSession)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The browser went away, or the gateway is stopping.
        }
        finally
        {
            broadcast.Unsubscribe(id);
        }
    }
}
