using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays an OpenAI-dialect SSE stream frame by frame, as frames arrive. The first data frame is
/// read before the client's response starts, so a stream that fails at once can still fall back.
/// Usage is taken from whichever chunk carries it; the usage-only chunk Ciyuan asked for on the
/// client's behalf is not forwarded. The ledger line is durable before the final <c>[DONE]</c>.
/// </summary>
internal sealed partial class StreamRelay(GatewayState state, IUsageLedger ledger, ILogger<StreamRelay> logger)
{
    public async Task<ProviderFailure?> RelayAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts requestFacts)
    {
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);

        // Peek: wait (under the first-byte deadline) for the first data frame; keep-alives before it are dropped.
        try
        {
            while (true)
            {
                if (!await sse.ReadAsync(exchange.Token).ConfigureAwait(false))
                {
                    return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                        $"provider '{provider}' ended the stream before sending any event");
                }

                if (sse.Kind == SseFrameKind.Data)
                {
                    break;
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
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{provider}' broke the connection before the stream started");
        }

        var first = OpenAIResponseScanner.Scan(sse.Data.Span);
        if (first.IsError)
        {
            // Classified as if it were a 5xx when the body's code says nothing more specific.
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        ResponseHeaders.SetRouting(response, request, deployment);

        var tally = new StreamTally();
        var outcome = await PumpAsync(context, request, sse, exchange, requestFacts, tally).ConfigureAwait(false);

        var estimated = !tally.HasUsage;
        var usage = estimated ? UsageEstimator.Estimate(requestFacts.PromptBytes, tally.GeneratedBytes) : tally.Usage;
        var (status, error) = outcome switch
        {
            StreamOutcome.Completed => (RequestStatus.Ok, (string?)null),
            StreamOutcome.ClientLeft => (RequestStatus.ClientDisconnected, "the client disconnected before the stream ended"),
            StreamOutcome.UpstreamError => (RequestStatus.StreamFailed, $"provider '{provider}' sent an error mid-stream"),
            StreamOutcome.Timeout => (RequestStatus.StreamFailed, $"provider '{provider}' exceeded the total deadline mid-stream"),
            _ => (RequestStatus.StreamFailed, $"provider '{provider}' ended the stream before it finished"),
        };
        var record = request.ToRecord(deployment, state.PriceOf(deployment), usage, estimated, status, StatusCodes.Status200OK, error, streamed: true);
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);

        if (outcome != StreamOutcome.ClientLeft)
        {
            await FinishAsync(context, outcome, error, provider).ConfigureAwait(false);
        }
        else
        {
            Log.ClientDisconnected(logger, request.RequestId, provider);
        }

        return null;
    }

    private static async Task<StreamOutcome> PumpAsync(HttpContext context, RequestContext request, SseReader sse, UpstreamExchange exchange, OpenAIRequestFacts requestFacts, StreamTally tally)
    {
        var writer = context.Response.BodyWriter;
        var clientAborted = context.RequestAborted;
        try
        {
            while (true)
            {
                var outcome = Relay(sse, writer, request, requestFacts, tally);
                if (outcome is not null)
                {
                    return outcome.Value;
                }

                // Frames that arrived together are written together; the flush happens when the
                // upstream has nothing more buffered, so chunks still leave the moment they arrive.
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

    /// <summary>Handles the current frame; an outcome when the stream ends with it.</summary>
    private static StreamOutcome? Relay(SseReader sse, System.IO.Pipelines.PipeWriter writer, RequestContext request, OpenAIRequestFacts requestFacts, StreamTally tally)
    {
        if (sse.Kind == SseFrameKind.Comment)
        {
            SseResponseWriter.WriteComment(writer, sse.Data.Span);
            return null;
        }

        var data = sse.Data.Span;
        if (data.SequenceEqual(SseBytes.Done))
        {
            return StreamOutcome.Completed;
        }

        var facts = OpenAIResponseScanner.Scan(data);
        if (facts.HasUsage)
        {
            tally.HasUsage = true;
            tally.Usage = facts.Usage;
        }

        tally.GeneratedBytes += facts.GeneratedBytes;
        if (facts.GeneratedBytes > 0)
        {
            request.MarkFirstToken();
        }

        // The usage-only chunk Ciyuan asked for on the client's behalf is metered, not forwarded.
        if (!(facts.ChoicesEmpty && facts.HasUsage && !requestFacts.IncludeUsageRequested))
        {
            SseResponseWriter.WriteData(writer, data);
        }

        return facts.IsError ? StreamOutcome.UpstreamError : null;
    }

    private static async Task FinishAsync(HttpContext context, StreamOutcome outcome, string? error, string provider)
    {
        var writer = context.Response.BodyWriter;
        try
        {
            switch (outcome)
            {
                case StreamOutcome.Completed:
                    SseResponseWriter.WriteDone(writer);
                    break;
                case StreamOutcome.UpstreamError:
                    // The upstream's own error event was already written.
                    break;
                default:
                    var code = outcome == StreamOutcome.Timeout ? "upstream_timeout" : "stream_truncated";
                    var payload = OpenAIErrorWriter.ToBytes(new OpenAIError(StatusCodes.Status502BadGateway, error!, "upstream_error", code), provider);
                    SseResponseWriter.WriteData(writer, payload);
                    break;
            }

            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left at the very end; the ledger line is already written.
        }
    }

    private enum StreamOutcome
    {
        Completed,
        ClientLeft,
        UpstreamError,
        Timeout,
        Truncated,
    }

    private sealed class StreamTally
    {
        public bool HasUsage { get; set; }

        public TokenUsage Usage { get; set; }

        public long GeneratedBytes { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClientDisconnected, Level = LogLevel.Information,
            Message = "Request {RequestId}: the client disconnected mid-stream from provider {Provider}; tokens seen so far are billed")]
        public static partial void ClientDisconnected(ILogger logger, string requestId, string provider);
    }
}
