using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Hosting;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// The end of a request that failed before anything reached the client: one ledger line (never
/// billed), the routing headers, and the error to tell the client in any dialect.
/// </summary>
internal sealed class FailureRecorder(GatewayState state, RequestSettlement settlement)
{
    public async Task<OpenAIError> RecordAsync(HttpContext context, RequestContext request, DeploymentConfig deployment, ProviderFailure failure)
    {
        var error = FailureResponses.ToOpenAI(failure, deployment.Provider.Name);
        var status = failure.Kind is ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout
            ? RequestStatus.Unreachable
            : RequestStatus.UpstreamError;
        var price = state.PriceOf(deployment);
        var record = request.ToRecord(deployment, price: null, default, AnswerTally.Nothing, status, error.Status, failure.Message, streamed: false) with
        {
            Currency = price?.Currency ?? "USD",
            Unpriced = price is null,
        };
        // Nothing was served, so the client's error stands even if the line cannot be written (the
        // hold then stays open and shows as in doubt until an operator releases it).
        await settlement.TrySettleAsync(request, record).ConfigureAwait(false);
        ResponseHeaders.SetRouting(context.Response, request, deployment);
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return error;
    }
}
