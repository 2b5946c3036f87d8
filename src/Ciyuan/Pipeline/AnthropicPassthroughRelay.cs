using System.Buffers;
using System.IO.Pipelines;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays an Anthropic-dialect answer from an upstream that speaks it natively (Anthropic, or a
/// vendor's <c>/anthropic</c> route): bytes and events go through unchanged, metered from the
/// upstream's own usage. <c>message_stop</c> is written only after the ledger line is durable.
/// </summary>
internal sealed class AnthropicPassthroughRelay(GatewayState state, RequestSettlement settlement, JsonRelay jsonRelay)
{
    public Task<ProviderFailure?> RelayJsonAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange) =>
        // The usage scanner reads Anthropic's usage object too (input_tokens + cache buckets + output_tokens).
        jsonRelay.RelayAsync(context, request, deployment, exchange);

    public async Task<ProviderFailure?> RelayStreamAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange)
    {
        var provider = deployment.Provider.Name;
        await using var sse = new SseReader(exchange.Body);
        var peek = await StreamPump.PeekAsync(sse, exchange, context, deployment).ConfigureAwait(false);
        if (peek is not null)
        {
            return peek;
        }

        if (sse.EventName == "error")
        {
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, sse.Data.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        exchange.MarkFirstByte();
        StreamPump.Start(context, request, deployment);
        var writer = context.Response.BodyWriter;
        var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
        var guard = new OutputGuard(ceiling, request.LogprobsRequested);
        var usage = default(TokenUsage);
        var sawUsage = false;
        var outcome = await StreamPump.RunAsync(context, sse, exchange, () =>
        {
            if (sse.Kind == SseFrameKind.Comment)
            {
                SseResponseWriter.WriteComment(writer, sse.Data.Span);
                return null;
            }

            var data = sse.Data.Span;
            if (AnthropicEventUsage.TryRead(sse.EventName, data, usage, out var updated))
            {
                usage = updated;
                sawUsage = true;
            }

            var text = sse.EventName == "content_block_delta" ? AnthropicDeltaText.Bytes(data) : 0;
            if (guard.Add(data.Length, text))
            {
                return StreamOutcome.OutputExceeded;
            }

            if (text > 0)
            {
                request.MarkFirstToken();
            }

            if (sse.EventName == "message_stop")
            {
                // Held back: written after the ledger commit.
                return StreamOutcome.Completed;
            }

            WriteEvent(writer, sse.EventName, data);
            return sse.EventName == "error" ? StreamOutcome.UpstreamError : null;
        }).ConfigureAwait(false);

        var (status, error) = StreamOutcomes.Describe(outcome, provider, ceiling.OutputTokens);
        var answer = new AnswerTally(sawUsage ? usage : null, guard.TextBytes, outcome == StreamOutcome.OutputExceeded);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), ceiling, answer, status, StatusCodes.Status200OK, error, streamed: true);
        var recorded = await settlement.TrySettleAsync(request, record).ConfigureAwait(false);
        if (outcome == StreamOutcome.ClientLeft)
        {
            return null;
        }

        if (!recorded)
        {
            WriteEvent(writer, "error", AnthropicErrors.Body(StatusCodes.Status503ServiceUnavailable, "api_error", RequestSettlement.Unavailable.Message));
        }
        else if (outcome == StreamOutcome.Completed)
        {
            WriteEvent(writer, "message_stop", """{"type":"message_stop"}"""u8);
        }
        else if (outcome != StreamOutcome.UpstreamError)
        {
            WriteEvent(writer, "error", AnthropicErrors.Body(StatusCodes.Status502BadGateway, "api_error", error!));
        }

        await StreamPump.FlushQuietlyAsync(context).ConfigureAwait(false);
        return null;
    }

    private static void WriteEvent(PipeWriter writer, string? name, ReadOnlySpan<byte> data)
    {
        if (name is not null)
        {
            writer.Write(SseBytes.EventPrefix);
            writer.Write(System.Text.Encoding.UTF8.GetBytes(name));
            writer.Write("\n"u8);
        }

        SseResponseWriter.WriteData(writer, data);
    }
}
