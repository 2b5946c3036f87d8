using Ciyuan.Core.Admin;
using Ciyuan.Dashboard.Access;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// <c>GET /ui/api/events</c>: server-sent events for one signed-in browser (<c>requests</c>,
/// <c>overview</c>, <c>deployments</c>), with a keep-alive comment every 15 s. The stream ends
/// when the session does (sign-out, revocation, expiry), checked every 30 s.
/// </summary>
internal static class EventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SessionCheck = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(HttpContext context, DashboardBroadcast broadcast, DashboardSessions sessions, TimeProvider time)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 3000\n\n", context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        var (id, events) = broadcast.Subscribe();
        var lastCheck = time.GetUtcNow();
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                wait.CancelAfter(KeepAlive);
                try
                {
                    var frame = await events.ReadAsync(wait.Token).ConfigureAwait(false);
                    await response.Body.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", context.RequestAborted).ConfigureAwait(false);
                }

                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                if (time.GetUtcNow() - lastCheck > SessionCheck)
                {
                    lastCheck = time.GetUtcNow();
                    if (await sessions.FindAsync(context.Request, context.RequestAborted).ConfigureAwait(false) is not AdminSession)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away.
        }
        finally
        {
            broadcast.Unsubscribe(id);
        }
    }
}
