using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Providers;

namespace Ciyuan.Pipeline;

/// <summary>
/// Relays a non-streaming answer: reads it whole (it must be metered before the client sees it),
/// records the ledger line durably, then writes the upstream bytes unchanged.
/// </summary>
internal sealed class JsonRelay(GatewayState state, IUsageLedger ledger)
{
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>Null when the response was relayed; a failure when nothing was sent and another attempt may follow.</summary>
    public async Task<ProviderFailure?> RelayAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, UpstreamExchange exchange, OpenAIRequestFacts facts)
    {
        using var body = new PooledBufferWriter(8 * 1024);
        try
        {
            exchange.MarkFirstByte();
            int read;
            while ((read = await exchange.Body.ReadAsync(body.GetMemory(8 * 1024), exchange.Token).ConfigureAwait(false)) > 0)
            {
                body.Advance(read);
                if (body.WrittenCount > MaxResponseBytes)
                {
                    return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                        $"provider '{deployment.Provider.Name}' sent a response larger than {MaxResponseBytes:N0} bytes");
                }
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return new ProviderFailure(ProviderFailureKind.Timeout, null,
                $"provider '{deployment.Provider.Name}' did not finish its response within {deployment.Provider.Timeouts.Total.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' broke the connection mid-response");
        }

        var facts2 = OpenAIResponseScanner.Scan(body.WrittenSpan);
        if (facts2.Malformed)
        {
            return new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{deployment.Provider.Name}' returned a response that is not a JSON object");
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
        response.ContentLength = body.WrittenCount;
        try
        {
            await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left after the upstream had answered in full; the tokens were spent and are billed.
        }

        return null;
    }
}
