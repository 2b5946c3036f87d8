using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;

namespace Ciyuan.Pipeline;

/// <summary>
/// The streaming loop, written once for every dialect pair: peek the first event, start the
/// client's response, then hand each upstream frame to a dialect-specific relay function and flush
/// once per batch of frames that arrived together.
/// </summary>
internal static class StreamPump
{
    /// <summary>Waits (under the first-byte deadline) for the first data frame; keep-alives before it are dropped.</summary>
    public static async Task<ProviderFailure?> PeekAsync(SseReader sse, UpstreamExchange exchange, HttpContext context, DeploymentConfig deployment)
    {
        var provider = deployment.Provider.Name;
        try
        {
            while (true)
            {
                if (!await sse.ReadAsync(exchange.Token).ConfigureAwait(false))
                {
                    return new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' ended the stream before sending any event");
                }

                if (sse.Kind == SseFrameKind.Data)
                {
                    return null;
                }
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return new ProviderFailure(ProviderFailureKind.Timeout, null,
                $"provider '{provider}' sent no stream event within {deployment.Provider.Timeouts.FirstByte.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' broke the connection before the stream started");
        }
    }

    /// <summary>Commits the client's response as an event stream with the routing headers.</summary>
    public static void Start(HttpContext context, RequestContext request, DeploymentConfig deployment)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        ResponseHeaders.SetRouting(response, request, deployment);
    }

    /// <summary>
    /// Runs <paramref name="relayFrame"/> on the current frame and every later one until it returns
    /// an outcome or the stream ends. Frames already buffered are written before one flush.
    /// </summary>
    public static async Task<StreamOutcome> RunAsync(HttpContext context, SseReader sse, UpstreamExchange exchange, Func<StreamOutcome?> relayFrame)
    {
        var writer = context.Response.BodyWriter;
        var clientAborted = context.RequestAborted;
        try
        {
            while (true)
            {
                if (relayFrame() is { } outcome)
                {
                    return outcome;
                }

                if (sse.TryReadBuffered())
                {
                    continue;
                }

                var flush = await writer.FlushAsync(clientAborted).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted || clientAborted.IsCancellationRequested)
                {
                    return StreamOutcome.ClientLeft;
                }

                if (!await sse.ReadAsync(exchange.Token).ConfigureAwait(false))
                {
                    return StreamOutcome.Truncated;
                }
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return StreamOutcome.ClientLeft;
        }
        catch (OperationCanceledException)
        {
            return StreamOutcome.Timeout;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return clientAborted.IsCancellationRequested ? StreamOutcome.ClientLeft : StreamOutcome.Truncated;
        }
    }

    public static async Task FlushQuietlyAsync(HttpContext context)
    {
        try
        {
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left at the very end; the ledger line is already written.
        }
    }
}
