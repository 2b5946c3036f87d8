using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.Telemetry;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 8, settle: the one place a request's ledger line is built and written — for an answer,
/// before its last byte is released; for a failure, before its error is — which settles its
/// budget hold in the same transaction; then its token-per-minute counters are corrected to what
/// it used and its concurrency slots returned. When the ledger cannot take an answer's line (a full
/// disk, a database gone), the answer is withheld: the request may have been served, and its hold,
/// left open, shows as in doubt after the next start — counted, never lost.
/// </summary>
internal sealed partial class SettleStage(IUsageLedger ledger, AdmitStage limits, ReserveStage budgets, RequestObserver observer, ILogger<SettleStage> logger)
{
    /// <summary>Settles an answer; false in <c>Durable</c> when its line could not be written (the answer must then be withheld).</summary>
    public async Task<(UsageRecord Record, bool Durable)> SettleAnswerAsync(
        GatewayContext context, DeploymentConfig deployment, TokenCeiling ceiling, AnswerTally tally, string status, int httpStatus, string? error, bool streamed)
    {
        var record = Build(context, deployment, context.Snapshot.State.PriceOf(deployment), ceiling, tally, status, httpStatus, error, streamed);
        var durable = await WriteAsync(context, deployment, record).ConfigureAwait(false);
        return (record, durable);
    }

    /// <summary>A failure no answer followed: one line, never billed; returns the error to tell the client.</summary>
    public async Task<GatewayError> SettleFailureAsync(GatewayContext context, DeploymentConfig deployment, ProviderFailure failure)
    {
        var error = GatewayErrors.FromProvider(failure, deployment.Provider.Name);
        var status = failure.Kind is ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout ? RequestStatus.Unreachable : RequestStatus.UpstreamError;
        var price = context.Snapshot.State.PriceOf(deployment);
        var record = Build(context, deployment, price: null, default, AnswerTally.Nothing, status, error.Shape.Status, failure.Message, streamed: false) with
        {
            Currency = price?.Currency ?? Currencies.Usd,
            Unpriced = price is null,
        };

        // Nothing was served, so the client's error stands even if the line cannot be written (the
        // hold then stays open and shows as in doubt until an operator releases it).
        await WriteAsync(context, deployment, record).ConfigureAwait(false);
        return error;
    }

    /// <summary>However the request ended: a hold no line carries is released, and limits are settled (once).</summary>
    public async Task FinishAsync(GatewayContext context)
    {
        await budgets.FinishAsync(context).ConfigureAwait(false);
        await limits.FinishAsync(context).ConfigureAwait(false);
    }

    private async Task<bool> WriteAsync(GatewayContext context, DeploymentConfig deployment, UsageRecord record)
    {
        context.Record = record;
        bool durable;
        try
        {
            await ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            durable = true;
        }
        catch (Storage.StorageException ex)
        {
            Log.LedgerFailed(logger, record.RequestId, ex.Message);
            durable = false;
        }

        observer.Settled(context, deployment, record, durable);
        await limits.SettleAsync(context, record.Usage.TotalTokens).ConfigureAwait(false);
        return durable;
    }

    /// <summary>
    /// The ledger line of a request as it ended. Reported usage is checked against the request's
    /// ceiling on the deployment (suspect usage is counted within it); without a report the usage
    /// is estimated from the bytes that passed.
    /// </summary>
    internal static UsageRecord Build(GatewayContext context, DeploymentConfig deployment, IPriceQuote? price, TokenCeiling ceiling, AnswerTally tally,
        string status, int httpStatus, string? error, bool streamed)
    {
        var estimated = tally.Reported is null;
        var check = tally.Reported is { } reported
            ? UsageCheck.Count(reported, ceiling)
            : new CheckedUsage(UsageCheck.Bound(UsageEstimator.Estimate(context.Facts.PromptBytes, tally.GeneratedBytes), ceiling), false, default);
        if (tally.OutputCut)
        {
            // The upstream ran past the request's limit and was cut off: it generated at least the ceiling.
            check = check with { Counted = check.Counted with { Output = ceiling.OutputTokens }, Suspect = true };
        }

        var usage = check.Counted;
        return new UsageRecord
        {
            RequestId = context.RequestId,
            CreatedAt = context.ReceivedAt,
            KeyId = context.Key.Id,
            RunId = context.RunId,
            Project = context.Key.Project,
            Hold = context.Hold,
            Endpoint = context.Endpoint,
            ModelAlias = context.ModelAlias,
            Provider = deployment.Provider.Name,
            Deployment = deployment.Id,
            UpstreamModel = deployment.UpstreamModel,
            Jurisdiction = deployment.Provider.Jurisdiction,
            Usage = usage,
            UsageEstimated = estimated,
            UsageSuspect = check.Suspect,
            ClaimedUsage = check.Suspect && !estimated ? check.Claimed : null,
            Cost = price?.Cost(usage, context.ReceivedAt) ?? MicroUnits.Zero,
            Currency = price?.Currency ?? Currencies.Usd,
            Unpriced = price is null,
            Status = status,
            HttpStatus = httpStatus,
            Error = error,
            Streamed = streamed,
            Attempts = context.Attempts,
            FailedAttempts = context.FailedAttempts,
            LatencyMs = context.ElapsedMs,
            TimeToFirstTokenMs = context.FirstTokenMs,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.LedgerFailed, Level = LogLevel.Error,
            Message = "Request {RequestId}: the ledger could not record the request's line; an answer was withheld, and its hold stays open to show as in doubt after the next start: {Reason}")]
        public static partial void LedgerFailed(ILogger logger, string requestId, string reason);
    }
}
