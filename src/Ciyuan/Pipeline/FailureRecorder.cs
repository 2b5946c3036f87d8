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
internal sealed class FailureRecorder(GatewayState state, IUsageLedger ledger)
{
    /// <summary>A failure before the first byte may move on to the next deployment when it is retryable.</summary>
    public static bool MayFallBack(HttpContext context, ProviderFailure failure) =>
        failure.IsRetryable && !context.RequestAborted.IsCancellationRequested;

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
        await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        ResponseHeaders.SetRouting(context.Response, request, deployment);
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return error;
    }
}
