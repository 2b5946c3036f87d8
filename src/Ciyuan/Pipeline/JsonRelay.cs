using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Providers;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays a non-streaming answer: reads it whole (it must be metered before the client sees it),
/// no larger than the request can justify, records the ledger line durably, then writes the
/// upstream bytes unchanged. An error object sent with HTTP 200 is treated as the error it is.
/// </summary>
internal sealed class JsonRelay(GatewayState state, RequestSettlement settlement, ReasoningReplayStore replay)
{
    /// <summary>Null when the response was relayed; a failure when nothing was sent and another attempt may follow.</summary>
    public async Task<ProviderFailure?> RelayAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange)
    {
        var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
        using var body = new PooledBufferWriter(8 * 1024);
        var limit = OutputGuard.MaxBodyBytes(ceiling, request.LogprobsRequested, state.Config.Server.MaxUpstreamBodyBytes);
        if (await UpstreamBody.ReadAsync(exchange, body, limit, context, deployment).ConfigureAwait(false) is { } readFailure)
        {
            return readFailure;
        }

        var profile = state.ProfileOf(deployment);
        if (ResponseNormalizer.TryReadEmbeddedError(profile, body.WrittenSpan, out var embeddedStatus, out var embeddedMessage))
        {
            // MiniMax answers some errors with HTTP 200 and a base_resp code: still an error, never billed.
            return ProviderErrorReader.Read(embeddedStatus, body.WrittenSpan, retryAfter: null) with { Message = embeddedMessage };
        }

        var normalized = ResponseNormalizer.NormalizeCompletion(profile, body.WrittenSpan);
        var output = normalized is null ? body.WrittenMemory : normalized;
        var facts = OpenAIResponseScanner.Scan(output.Span);
        if (facts.Malformed)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' returned a response that is not a JSON object");
        }

        if (facts.IsError)
        {
            // An error sent with HTTP 200 is still an error: not billed, and another deployment may be tried.
            return ProviderErrorReader.Read(StatusCodes.Status502BadGateway, output.Span, retryAfter: null) with { UpstreamStatus = null };
        }

        if (ReasoningCapture.For(profile, replay, deployment.Provider.Kind) is { } capture)
        {
            capture.AddCompletion(output.Span);
            capture.Commit();
        }

        request.MarkFirstToken();
        var answer = new AnswerTally(facts.HasUsage ? facts.Usage : null, facts.GeneratedBytes);
        var record = request.ToRecord(deployment, state.PriceOf(deployment), ceiling, answer, RequestStatus.Ok, exchange.StatusCode, null, streamed: false);

        // Durable before the client sees a byte: a response that was received is a response that was billed.
        if (!await settlement.TrySettleAsync(request, record).ConfigureAwait(false))
        {
            await RequestSettlement.WriteUnavailableAsync(context, request).ConfigureAwait(false);
            return null;
        }

        var response = context.Response;
        ResponseHeaders.SetRouting(response, request, deployment);
        ResponseHeaders.SetCost(response, record);
        response.StatusCode = exchange.StatusCode;
        response.ContentType = exchange.ContentType ?? "application/json";
        response.ContentLength = output.Length;
        try
        {
            await response.Body.WriteAsync(output, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left after the upstream had answered in full; the tokens were spent and are billed.
        }

        return null;
    }
}
