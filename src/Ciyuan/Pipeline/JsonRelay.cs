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
/// records the ledger line durably, then writes the upstream bytes unchanged.
/// </summary>
internal sealed class JsonRelay(GatewayState state, IUsageLedger ledger, ReasoningReplayStore replay)
{
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>Null when the response was relayed; a failure when nothing was sent and another attempt may follow.</summary>
    public async Task<ProviderFailure?> RelayAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts facts)
    {
        using var body = new PooledBufferWriter(8 * 1024);
        if (await UpstreamBody.ReadAsync(exchange, body, MaxResponseBytes, context, deployment).ConfigureAwait(false) is { } readFailure)
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
        var facts2 = OpenAIResponseScanner.Scan(output.Span);
        if (facts2.Malformed)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' returned a response that is not a JSON object");
        }

        if (ReasoningCapture.For(profile, replay, deployment.Provider.Kind) is { } capture)
        {
            capture.AddCompletion(output.Span);
            capture.Commit();
        }

        request.MarkFirstToken();
        var estimated = !facts2.HasUsage;
        var usage = estimated ? UsageEstimator.Estimate(facts.PromptBytes, facts2.GeneratedBytes) : facts2.Usage;
        var record = request.ToRecord(deployment, state.PriceOf(deployment), usage, estimated, RequestStatus.Ok, exchange.StatusCode, null, streamed: false);

        // Durable before the client sees a byte: a response that was received is a response that was billed.
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);

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
