using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Pipeline;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// Stage 7, relay: an upstream's answer to the client, for every door and upstream dialect — the
/// <see cref="AnswerCodec"/> of the pair says how frames and bodies are read and written. A stream
/// is relayed frame by frame as frames arrive (one flush per batch that arrived together), held to
/// the request's output limit, and ends with its final events only after the ledger line is durable;
/// a whole answer is read (no larger than the request can justify), settled, then written. A failure
/// before the first byte reaches the client is returned, so another deployment may be tried.
/// </summary>
internal sealed partial class AnswerRelay(SettleStage settle, KeepStage keep, GatewayDrain drain, ILogger<AnswerRelay> logger)
{
    /// <summary>Null when the client got its answer (or was told why not); a failure when nothing was sent.</summary>
    public Task<ProviderFailure?> RelayAsync(GatewayContext context, DeploymentConfig deployment, UpstreamExchange exchange, AnswerCodec codec) =>
        context.Streams ? StreamAsync(context, deployment, exchange, codec) : BodyAsync(context, deployment, exchange, codec);

    private async Task<ProviderFailure?> BodyAsync(GatewayContext context, DeploymentConfig deployment, UpstreamExchange exchange, AnswerCodec codec)
    {
        var client = context.Client;
        var state = context.Snapshot.State;
        var ceiling = state.CeilingFor(deployment, context.PromptCeiling, context.OutputLimits);
        using var body = new PooledBufferWriter(8 * 1024);
        var limit = OutputGuard.MaxBodyBytes(ceiling, context.Facts.LogprobsRequested, state.Config.Server.MaxUpstreamBodyBytes);
        if (await UpstreamBody.ReadAsync(exchange, body, limit, deployment, client.Aborted).ConfigureAwait(false) is { } readFailure)
        {
            return readFailure;
        }

        var reading = codec.ReadBody(body.WrittenMemory, deployment.Provider.Name);
        if (reading.Failure is { } failure)
        {
            return failure;
        }

        context.MarkFirstToken();
        codec.Finished();
        RequestObserver.AnswerRead(context, body.WrittenSpan);

        // Durable before the client sees a byte: an answer that was received is an answer that was billed.
        var (record, durable) = await settle.SettleAnswerAsync(context, deployment, ceiling, new AnswerTally(reading.Usage, reading.GeneratedBytes),
            RequestStatus.Ok, exchange.StatusCode, null, streamed: false).ConfigureAwait(false);
        AnswerHeaders.SetRouting(client, context, deployment);
        if (!durable)
        {
            await AnswerErrors.WriteAsync(context, GatewayErrors.LedgerUnavailable).ConfigureAwait(false);
            return null;
        }

        // 8b. Keep (a door whose answers are stored): before the client can ask for it by id.
        await keep.KeepAsync(context, codec, record.Usage).ConfigureAwait(false);
        AnswerHeaders.SetCost(client, record);
        var output = codec.EncodeBody(record.Usage);
        client.SetStatus(codec.Translates ? 200 : exchange.StatusCode);
        client.SetContentType(codec.Translates ? "application/json" : exchange.ContentType ?? "application/json");
        client.SetContentLength(output.Length);
        await client.WriteBodyAsync(output).ConfigureAwait(false);
        return null;
    }

    private async Task<ProviderFailure?> StreamAsync(GatewayContext context, DeploymentConfig deployment, UpstreamExchange exchange, AnswerCodec codec)
    {
        var client = context.Client;
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);
        if (await PeekAsync(sse, exchange, deployment, client.Aborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        if (codec.IsError(sse))
        {
            // Classified as if it were a 5xx when the body's code says nothing more specific.
            return ProviderErrorReader.Read(502, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        client.SetStatus(200);
        client.SetContentType("text/event-stream; charset=utf-8");
        client.SetHeader("Cache-Control", "no-cache");
        client.SetHeader("X-Accel-Buffering", "no");
        AnswerHeaders.SetRouting(client, context, deployment);

        var ceiling = context.Snapshot.State.CeilingFor(deployment, context.PromptCeiling, context.OutputLimits);
        var guard = new OutputGuard(ceiling, context.Facts.LogprobsRequested);
        var (outcome, usage) = await PumpAsync(context, sse, exchange, codec, guard, drain.Deadline).ConfigureAwait(false);
        codec.Finished();

        var (status, error) = StreamOutcomes.Describe(outcome, provider, ceiling.OutputTokens);
        var (record, durable) = await settle.SettleAnswerAsync(context, deployment, ceiling,
            new AnswerTally(usage, guard.TextBytes, outcome == StreamOutcome.OutputExceeded), status, 200, error, streamed: true).ConfigureAwait(false);
        if (outcome == StreamOutcome.ClientLeft)
        {
            Log.ClientDisconnected(logger, context.RequestId, provider);
            return null;
        }

        var writer = client.Body;
        if (!durable)
        {
            codec.WriteFailure(writer, GatewayErrors.LedgerUnavailable);
        }
        else if (outcome == StreamOutcome.Completed)
        {
            await keep.KeepAsync(context, codec, record.Usage).ConfigureAwait(false);
            codec.WriteCompletion(writer, record.Usage);
        }
        else if (outcome != StreamOutcome.UpstreamError)
        {
            // The upstream's own error event was already forwarded; any other end is told in the client's dialect.
            codec.WriteFailure(writer, GatewayErrors.StreamEnded(StreamOutcomes.ErrorCode(outcome), error!, provider));
        }

        await client.FlushQuietlyAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Relays frames until the stream ends; the usage the upstream reported, if any.</summary>
    private static async Task<(StreamOutcome Outcome, TokenUsage? Usage)> PumpAsync(GatewayContext context, SseReader sse, UpstreamExchange exchange, AnswerCodec codec, OutputGuard guard, CancellationToken drainDeadline)
    {
        var writer = context.Client.Body;
        var clientAborted = context.Client.Aborted;
        TokenUsage? usage = null;
        try
        {
            while (true)
            {
                var frame = codec.Read(sse);
                usage = frame.Usage ?? usage;
                if (frame.End == FrameEnd.Completed)
                {
                    return (StreamOutcome.Completed, usage);
                }

                if (guard.Add(sse.Data.Length, frame.TextBytes))
                {
                    // Not forwarded: the answer has run past what the request allows.
                    return (StreamOutcome.OutputExceeded, usage);
                }

                if (frame.TextBytes > 0)
                {
                    context.MarkFirstToken();
                }

                codec.Forward(writer);
                if (frame.End == FrameEnd.UpstreamError)
                {
                    return (StreamOutcome.UpstreamError, usage);
                }

                if (sse.TryReadBuffered())
                {
                    continue;
                }

                var flush = await writer.FlushAsync(clientAborted).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted || clientAborted.IsCancellationRequested)
                {
                    return (StreamOutcome.ClientLeft, usage);
                }

                if (!await sse.ReadAsync(exchange.Token).ConfigureAwait(false))
                {
                    return (StreamOutcome.Truncated, usage);
                }
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return (StreamOutcome.ClientLeft, usage);
        }
        catch (OperationCanceledException) when (drainDeadline.IsCancellationRequested)
        {
            return (StreamOutcome.GatewayStopped, usage);
        }
        catch (OperationCanceledException)
        {
            return (StreamOutcome.Timeout, usage);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (clientAborted.IsCancellationRequested ? StreamOutcome.ClientLeft : StreamOutcome.Truncated, usage);
        }
    }

    /// <summary>Waits (under the first-byte deadline) for the first data frame; keep-alives before it are dropped.</summary>
    private static async Task<ProviderFailure?> PeekAsync(SseReader sse, UpstreamExchange exchange, DeploymentConfig deployment, CancellationToken clientAborted)
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
        catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
        {
            return new ProviderFailure(ProviderFailureKind.Timeout, null,
                $"provider '{provider}' sent no stream event within {deployment.Provider.Timeouts.FirstByte.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' broke the connection before the stream started");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClientDisconnected, Level = LogLevel.Information,
            Message = "Request {RequestId}: the client disconnected mid-stream from provider {Provider}; tokens seen so far are billed")]
        public static partial void ClientDisconnected(ILogger logger, string requestId, string provider);
    }
}
