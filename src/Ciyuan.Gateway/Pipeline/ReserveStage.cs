using Ciyuan.Core.Budgets;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Errors;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 4, reserve: before a request's first attempt leaves, its worst case (<see cref="WorstCase"/>,
/// at the dearest of the deployments it may go to) is held on every budget line covering its key,
/// project and run, all or none, and the hold is made durable. Every request holds, budgeted
/// or not (then on no lines), so one killed in flight is found in doubt at the next start.
/// </summary>
internal sealed partial class ReserveStage(BudgetLines lines, IBudgetLedger ledger, ILogger<ReserveStage> logger)
{
    public static ChargeTarget TargetOf(GatewayContext request) =>
        request.ChargeTarget ??= new(request.Key.Id, request.Key.Name, request.Key.Project, request.RunId, request.ModelAlias);

    /// <summary>True when some budget line covers the request (its prompt is then counted exactly).</summary>
    public bool IsBudgeted(GatewayContext request) => CoveringOf(request).Count > 0;

    /// <summary>Holds the worst case; a refusal is the error to send, naming the line and what it has left.</summary>
    private async Task<GatewayError?> ReserveAsync(GatewayContext request, RoutePlan plan, DeploymentConfig first)
    {
        var target = TargetOf(request);
        var covering = CoveringOf(request);
        var worstUsd = covering.Count == 0 ? MicroUnits.Zero : WorstCaseUsd(plan, request);
        var held = new HeldLine[covering.Count];
        var snapshot = request.Snapshot;
        for (var i = 0; i < covering.Count; i++)
        {
            var line = covering[i];
            held[i] = new HeldLine(line.Id, BudgetWindows.StartOf(line.Period, request.ReceivedAt, snapshot.Config.Budgets.TimeZone),
                snapshot.Currency.Convert(worstUsd, Currencies.Usd, line.Currency), line.Currency);
        }

        var hold = new BudgetHold
        {
            RequestId = request.RequestId,
            At = request.ReceivedAt,
            Target = target,
            Provider = first.Provider.Name,
            Deployment = first.Id,
            WorstCaseUsd = worstUsd,
            Lines = held,
        };

        // Durability is not the client's to cancel: once asked for, the hold entry is written.
        ReservationOutcome outcome;
        try
        {
            outcome = await ledger.ReserveAsync(hold, covering, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Storage.StorageException ex)
        {
            // Without a durable hold nothing may leave: the request is refused, and nothing was spent.
            Log.ReserveFailed(logger, request.RequestId, ex.Message);
            return GatewayErrors.HoldUnavailable;
        }
        if (!outcome.Granted)
        {
            return Refusal(outcome);
        }

        request.Hold = hold;
        return null;
    }

    /// <summary>
    /// Before an attempt leaves: the first holds the worst case (a refusal is the error to send);
    /// a later one — a retry or a fallback — is noted durably, so an in-doubt record names where it went.
    /// </summary>
    public async Task<GatewayError?> HoldOrNoteAsync(GatewayContext request, RoutePlan plan, DeploymentConfig deployment, int attempt)
    {
        if (request.Hold is null)
        {
            return await ReserveAsync(request, plan, deployment).ConfigureAwait(false);
        }

        await ledger.RecordAttemptAsync(request.RequestId, attempt, deployment.Provider.Name, deployment.Id, CancellationToken.None).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// After the request ended: a usage record carries the hold and settles it when the ledger
    /// commits it (a record that never became durable leaves the hold open, found in doubt at the
    /// next start); a request that ended without one has its hold released here.
    /// </summary>
    public async Task FinishAsync(GatewayContext request)
    {
        if (request.Hold is not { } hold || request.Record is not null)
        {
            return;
        }

        try
        {
            await ledger.ReleaseAsync(hold, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Storage.StorageException or InvalidOperationException)
        {
            // The hold stays open in the ledger and is found in doubt at the next start: counted, not lost.
            Log.ReleaseFailed(logger, request.RequestId, ex.Message);
        }
    }

    /// <summary>The lines covering the request, looked up once (the front door asks first, the reservation again).</summary>
    private IReadOnlyList<BudgetLine> CoveringOf(GatewayContext request) => request.CoveringLines ??= lines.Covering(TargetOf(request));

    /// <summary>The dearest worst case among the deployments the request may reach, in USD.</summary>
    private MicroUnits WorstCaseUsd(RoutePlan plan, GatewayContext request)
    {
        var worst = MicroUnits.Zero;
        var state = request.Snapshot.State;
        foreach (var candidate in plan.Ranked)
        {
            var deployment = candidate.Config;
            if (state.PriceOf(deployment) is not { } price)
            {
                continue;
            }

            var ceiling = state.CeilingFor(deployment, request.PromptCeiling, request.OutputLimits);
            var cost = request.Snapshot.Currency.Convert(WorstCase.Cost(ceiling, price, request.ReceivedAt), price.Currency, Currencies.Usd);
            if (cost > worst)
            {
                worst = cost;
            }
        }

        return worst;
    }

    private static GatewayError Refusal(ReservationOutcome outcome)
    {
        var line = outcome.Refused!;
        return GatewayErrors.BudgetExceeded(
            $"The budget of {line.Describe()} has {outcome.Remaining} {line.Currency} left of {line.Limit} {line.Currency}, " +
            $"less than this request may cost ({outcome.Needed} {line.Currency} at most). Lower max_tokens, or raise the budget '{line.Id}'.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HoldReleaseFailed, Level = LogLevel.Error,
            Message = "Request {RequestId}: its budget hold could not be settled and will be found in doubt at the next start: {Reason}")]
        public static partial void ReleaseFailed(ILogger logger, string requestId, string reason);

        [LoggerMessage(EventId = EventIds.ReserveFailed, Level = LogLevel.Error,
            Message = "Request {RequestId}: its budget hold could not be made durable, so it was refused: {Reason}")]
        public static partial void ReserveFailed(ILogger logger, string requestId, string reason);
    }
}
