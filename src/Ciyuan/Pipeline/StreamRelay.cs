using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Http;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays an OpenAI-dialect SSE stream to an OpenAI-dialect client frame by frame, as frames
/// arrive. Usage is taken from whichever chunk carries it; the usage-only chunk Ciyuan asked for on
/// the client's behalf is not forwarded. The ledger line is durable before the final <c>[DONE]</c>.
/// </summary>
internal sealed partial class StreamRelay(GatewayState state, RequestSettlement settlement, ReasoningReplayStore replay, ILogger<StreamRelay> logger)
{
    public async Task<ProviderFailure?> RelayAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts requestFacts)
    {
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);
        if (await StreamPump.PeekAsync(sse, exchange, context, deployment).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        if (OpenAIResponseScanner.Scan(sse.Data.Span).IsError)
        {
            // Classified as if it were a 5xx when the body's code says nothing more specific.
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        StreamPump.Start(context, request, deployment);
        var writer = context.Response.BodyWriter;
        var profile = state.ProfileOf(deployment);
        var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
        var tally = new StreamTally
        {
            Normalizer = ResponseNormalizer.CreateStreamNormalizer(profile),
            Capture = ReasoningCapture.For(profile, replay, deployment.Provider.Kind),
            Guard = new OutputGuard(ceiling, request.LogprobsRequested),
        };
        var outcome = await StreamPump.RunAsync(context, sse, exchange, () => RelayFrame(sse, writer, request, requestFacts, tally)).ConfigureAwait(false);

        tally.Capture?.Commit();
        var (status, error) = StreamOutcomes.Describe(outcome, provider, ceiling.OutputTokens);
        var answer = new AnswerTally(tally.HasUsage ? tally.Usage : null, tally.Guard.TextBytes, outcome == StreamOutcome.OutputExceeded);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), ceiling, answer, status, StatusCodes.Status200OK, error, streamed: true);
        var recorded = await settlement.TrySettleAsync(request, record).ConfigureAwait(false);

        switch (outcome)
        {
            case StreamOutcome.ClientLeft:
                Log.ClientDisconnected(logger, request.RequestId, provider);
                return null;
            case StreamOutcome.Completed when !recorded:
                SseResponseWriter.WriteData(writer, OpenAIErrorWriter.ToBytes(RequestSettlement.Unavailable));
                break;
            case StreamOutcome.Completed:
                SseResponseWriter.WriteDone(writer);
                break;
            case StreamOutcome.UpstreamError:
                // The upstream's own error event was already written.
                break;
            default:
                SseResponseWriter.WriteData(writer, OpenAIErrorWriter.ToBytes(new OpenAIError(StatusCodes.Status502BadGateway, error!, "upstream_error", StreamOutcomes.ErrorCode(outcome)), provider));
                break;
        }

        await StreamPump.FlushQuietlyAsync(context).ConfigureAwait(false);
        return null;
    }

    /// <summary>Handles the current frame; an outcome when the stream ends with it.</summary>
    private static StreamOutcome? RelayFrame(SseReader sse, System.IO.Pipelines.PipeWriter writer, RequestContext request, OpenAIRequestFacts requestFacts, StreamTally tally)
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

        // Vendor quirks (reasoning under another name, <think> tags, usage inside a choice) are
        // rewritten to the standard shape; most chunks need nothing and pass as they came.
        if (tally.Normalizer.Normalize(data) is { } normalized)
        {
            data = normalized;
        }

        var facts = OpenAIResponseScanner.Scan(data);
        if (tally.Guard.Add(data.Length, facts.GeneratedBytes))
        {
            // Not forwarded: the answer has run past what the request allows.
            return StreamOutcome.OutputExceeded;
        }

        tally.Capture?.AddChunk(data);
        if (facts.HasUsage)
        {
            tally.HasUsage = true;
            tally.Usage = facts.Usage;
        }

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

    private sealed class StreamTally
    {
        public required StreamNormalizer Normalizer { get; init; }

        public ReasoningCapture? Capture { get; init; }

        public required OutputGuard Guard { get; init; }

        public bool HasUsage { get; set; }

        public TokenUsage Usage { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClientDisconnected, Level = LogLevel.Information,
            Message = "Request {RequestId}: the client disconnected mid-stream from provider {Provider}; tokens seen so far are billed")]
        public static partial void ClientDisconnected(ILogger logger, string requestId, string provider);
    }
}
