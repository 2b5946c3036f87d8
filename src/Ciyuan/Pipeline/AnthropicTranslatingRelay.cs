using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Pipeline;

/// <summary>
/// Anthropic client, OpenAI-dialect upstream: the answer is decoded into canonical events and
/// encoded as Anthropic's exact event sequence. Usage is held back and given to the encoder only
/// after the ledger line is durable, so <c>message_delta</c>/<c>message_stop</c> never precede it.
/// </summary>
internal sealed class AnthropicTranslatingRelay(GatewayState state, IUsageLedger ledger)
{
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    public async Task<ProviderFailure?> RelayJsonAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts facts)
    {
        using var body = new PooledBufferWriter(8 * 1024);
        if (await UpstreamBody.ReadAsync(exchange, body, MaxResponseBytes, context, deployment).ConfigureAwait(false) is { } readFailure)
        {
            return readFailure;
        }

        ChatResponse response;
        try
        {
            var normalized = ResponseNormalizer.NormalizeCompletion(state.ProfileOf(deployment), body.WrittenSpan);
            response = OpenAIResponseCodec.Decode(normalized is null ? body.WrittenSpan : normalized);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or TranslationException or InvalidOperationException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' returned a response that is not a chat completion");
        }

        request.MarkFirstToken();
        var estimated = response.Usage is null;
        var usage = response.Usage ?? UsageEstimator.Estimate(facts.PromptBytes, OpenAIResponseScanner.Scan(body.WrittenSpan).GeneratedBytes);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), usage, estimated, RequestStatus.Ok, StatusCodes.Status200OK, null, streamed: false);
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);

        var bytes = AnthropicResponseCodec.Encode(response with { Id = "msg_" + request.RequestId[4..], Usage = usage }, request.ModelAlias);
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

    public async Task<ProviderFailure?> RelayStreamAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts facts)
    {
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);
        if (await StreamPump.PeekAsync(sse, exchange, context, deployment).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        if (OpenAIResponseScanner.Scan(sse.Data.Span).IsError)
        {
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        StreamPump.Start(context, request, deployment);
        var writer = context.Response.BodyWriter;
        var encoder = new AnthropicStreamEncoder("msg_" + request.RequestId[4..], request.ModelAlias);
        var decoder = new OpenAIStreamDecoder();
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(state.ProfileOf(deployment));
        var events = new List<StreamEvent>(8);
        TokenUsage? usage = null;
        long generated = 0;
        var outcome = await StreamPump.RunAsync(context, sse, exchange, () =>
        {
            if (sse.Kind == SseFrameKind.Comment)
            {
                encoder.Write(KeepAlive.Instance, writer);
                return null;
            }

            var data = sse.Data.Span;
            if (data.SequenceEqual(SseBytes.Done))
            {
                return StreamOutcome.Completed;
            }

            events.Clear();
            decoder.Decode(normalizer.Normalize(data) is { } normalized ? normalized : data, events);
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
                        generated += data.Length;
                        request.MarkFirstToken();
                        break;
                    default:
                        break;
                }

                encoder.Write(e, writer);
            }

            return null;
        }).ConfigureAwait(false);

        var estimated = usage is null;
        var tokens = usage ?? UsageEstimator.Estimate(facts.PromptBytes, generated / 4);
        var (status, error) = StreamOutcomes.Describe(outcome, provider);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), tokens, estimated, status, StatusCodes.Status200OK, error, streamed: true);
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        if (outcome == StreamOutcome.ClientLeft)
        {
            return null;
        }

        if (outcome is StreamOutcome.Completed)
        {
            encoder.Write(new UsageReported(tokens), writer);
            encoder.Complete(writer);
        }
        else if (outcome is not StreamOutcome.UpstreamError)
        {
            encoder.Write(new StreamError("api_error", error!), writer);
        }

        await StreamPump.FlushQuietlyAsync(context).ConfigureAwait(false);
        return null;
    }
}
