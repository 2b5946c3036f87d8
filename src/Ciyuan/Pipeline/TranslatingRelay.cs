using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays an answer across dialects (Anthropic client ← OpenAI upstream, OpenAI client ← Anthropic
/// upstream): decoded into the canonical model and encoded in the client's dialect. A
/// <see cref="TranslationPair"/> supplies the two dialects' codecs; the loop, metering and the
/// "durable before the last event" rule are written once here. Usage is held back from the encoder
/// until the ledger line is committed, so the final events never precede it.
/// </summary>
internal sealed class TranslatingRelay(GatewayState state, RequestSettlement settlement)
{
    public async Task<ProviderFailure?> RelayJsonAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, TranslationPair pair)
    {
        var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
        using var body = new PooledBufferWriter(8 * 1024);
        var limit = OutputGuard.MaxBodyBytes(ceiling, request.LogprobsRequested, state.Config.Server.MaxUpstreamBodyBytes);
        if (await UpstreamBody.ReadAsync(exchange, body, limit, context, deployment).ConfigureAwait(false) is { } readFailure)
        {
            return readFailure;
        }

        var scanned = OpenAIResponseScanner.Scan(body.WrittenSpan);
        if (scanned.IsError)
        {
            // An error sent with HTTP 200 (either dialect's shape) is still an error: not billed, may fall back.
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, body.WrittenSpan, retryAfter: null) with { UpstreamStatus = null };
        }

        ChatResponse response;
        try
        {
            response = pair.DecodeUpstream(body.WrittenSpan);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or TranslationException or InvalidOperationException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' returned a response that is not a valid answer in its dialect");
        }

        request.MarkFirstToken();
        var record = request.ToRecord(deployment, state.PriceOf(deployment), ceiling, new AnswerTally(response.Usage, scanned.GeneratedBytes), RequestStatus.Ok, StatusCodes.Status200OK, null, streamed: false);
        if (!await settlement.TrySettleAsync(request, record).ConfigureAwait(false))
        {
            await RequestSettlement.WriteUnavailableAsync(context, request).ConfigureAwait(false);
            return null;
        }

        var bytes = pair.EncodeClient(response with { Usage = record.Usage }, request);
        var http = context.Response;
        ResponseHeaders.SetRouting(http, request, deployment);
        ResponseHeaders.SetCost(http, record);
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        http.ContentLength = bytes.Length;
        try
        {
            await http.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left after the upstream had answered in full; the tokens were spent and are billed.
        }

        return null;
    }

    public async Task<ProviderFailure?> RelayStreamAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts facts, TranslationPair pair)
    {
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);
        if (await StreamPump.PeekAsync(sse, exchange, context, deployment).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        if (pair.IsUpstreamError(sse))
        {
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        StreamPump.Start(context, request, deployment);
        var writer = context.Response.BodyWriter;
        var encoder = pair.CreateEncoder(request, facts);
        var decode = pair.CreateDecoder(state.ProfileOf(deployment));
        var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
        var guard = new OutputGuard(ceiling, request.LogprobsRequested);
        var events = new List<StreamEvent>(8);
        TokenUsage? usage = null;
        var outcome = await StreamPump.RunAsync(context, sse, exchange, () =>
        {
            if (sse.Kind == SseFrameKind.Comment)
            {
                encoder.Write(KeepAlive.Instance, writer);
                return null;
            }

            if (pair.IsEnd(sse))
            {
                return StreamOutcome.Completed;
            }

            events.Clear();
            decode(sse, events);
            if (guard.Add(sse.Data.Length, GeneratedBytes(events)))
            {
                return StreamOutcome.OutputExceeded;
            }

            foreach (var e in events)
            {
                switch (e)
                {
                    case UsageReported reported:
                        usage = reported.Usage;
                        continue;
                    case StreamError:
                        encoder.Write(e, writer);
                        return StreamOutcome.UpstreamError;
                    case TextDelta or ReasoningDelta or ToolCallArgumentsDelta:
                        request.MarkFirstToken();
                        break;
                    default:
                        break;
                }

                encoder.Write(e, writer);
            }

            return null;
        }).ConfigureAwait(false);

        var (status, error) = StreamOutcomes.Describe(outcome, provider, ceiling.OutputTokens);
        var answer = new AnswerTally(usage, guard.TextBytes, outcome == StreamOutcome.OutputExceeded);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), ceiling, answer, status, StatusCodes.Status200OK, error, streamed: true);
        var recorded = await settlement.TrySettleAsync(request, record).ConfigureAwait(false);
        if (outcome == StreamOutcome.ClientLeft)
        {
            return null;
        }

        if (!recorded)
        {
            encoder.Write(new StreamError("api_error", RequestSettlement.Unavailable.Message), writer);
        }
        else if (outcome is StreamOutcome.Completed)
        {
            encoder.Write(new UsageReported(record.Usage), writer);
            encoder.Complete(writer);
        }
        else if (outcome is not StreamOutcome.UpstreamError)
        {
            encoder.Write(new StreamError("api_error", error!), writer);
        }

        await StreamPump.FlushQuietlyAsync(context).ConfigureAwait(false);
        return null;
    }

    /// <summary>UTF-8 bytes of the generated text (answer, reasoning, tool arguments) in one frame's events.</summary>
    private static int GeneratedBytes(List<StreamEvent> events)
    {
        var bytes = 0;
        foreach (var e in events)
        {
            bytes += e switch
            {
                TextDelta text => System.Text.Encoding.UTF8.GetByteCount(text.Text),
                ReasoningDelta reasoning => System.Text.Encoding.UTF8.GetByteCount(reasoning.Text),
                ToolCallArgumentsDelta arguments => System.Text.Encoding.UTF8.GetByteCount(arguments.Json),
                _ => 0,
            };
        }

        return bytes;
    }
}
