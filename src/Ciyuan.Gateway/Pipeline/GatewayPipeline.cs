using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Gateway.Client;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Lifecycle;
using Ciyuan.Gateway.Relay;
using Ciyuan.Gateway.Telemetry;
using Ciyuan.Providers;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// One request through the gateway, the same for every front door, read top to bottom:
/// <list type="number">
/// <item><b>intake</b> — who is asking, what they sent, which model (<see cref="IntakeStage"/>); for a door
/// whose answers are kept and continued, <b>recall</b> checks the input and inlines the stored conversation (<see cref="RecallStage"/>);</item>
/// <item><b>resolve</b> — the prompt's ceiling, and the plan: privacy policy as a hard filter, fit, health, ranking (<see cref="ResolveStage"/>);</item>
/// <item><b>admit</b> — the key's and project's rate, token and concurrency limits (<see cref="AdmitStage"/>);</item>
/// <item><b>reserve</b> — before the first attempt leaves, its worst case is held on every budget line, durably (<see cref="ReserveStage"/>);</item>
/// <item><b>route</b> — the plan's deployments in order, each at its own limits, with retries and fallbacks bounded (here, with <see cref="AttemptSequence"/>);</item>
/// <item><b>send</b> — the request in the deployment's dialect (<see cref="SendStage"/>);</item>
/// <item><b>relay</b> — the answer to the client, held to the request's limit (<see cref="AnswerRelay"/>);</item>
/// <item><b>settle</b> — the ledger line (which settles the hold) and the limits, before the answer's last byte (<see cref="SettleStage"/>);
/// an answer to be kept is stored right after (<see cref="KeepStage"/>, from the relay).</item>
/// </list>
/// A failure before the first byte reaches the client decides the next attempt; a door only reads
/// requests and writes answers and errors (<see cref="IDoor"/>).
/// </summary>
internal sealed partial class GatewayPipeline(
    IntakeStage intake,
    RecallStage recall,
    ResolveStage resolve,
    AdmitStage admit,
    ReserveStage reserve,
    SendStage send,
    AnswerRelay relay,
    SettleStage settle,
    RequestObserver observer,
    GatewayDrain drain,
    TimeProvider time,
    ILogger<GatewayPipeline> logger)
{
    public async Task RunAsync(ClientExchange client, IDoor door)
    {
        // 1. Intake.
        var read = await intake.ReadAsync(client, door).ConfigureAwait(false);
        if (read.Context is not { } context)
        {
            observer.Refused(door, read.Error!);
            await AnswerErrors.WriteAsync(client, door, read.RequestId, read.Error!).ConfigureAwait(false);
            return;
        }

        using (context)
        using (observer.Observe(context))
        {
            // 1b. Recall: a continued conversation is rebuilt from the store before anything is sized or routed.
            if (await recall.RecallAsync(context).ConfigureAwait(false) is { } unrecalled)
            {
                await AnswerErrors.WriteAsync(context, unrecalled).ConfigureAwait(false);
                return;
            }

            // 2. Resolve: a refusal here is not a ledger line — nothing was sent.
            if (resolve.Resolve(context) is { } unroutable)
            {
                await AnswerErrors.WriteAsync(context, unroutable).ConfigureAwait(false);
                return;
            }

            // 3. Admit.
            if (await admit.AdmitAsync(context).ConfigureAwait(false) is { } limited)
            {
                await AnswerErrors.WriteAsync(context, limited).ConfigureAwait(false);
                return;
            }

            try
            {
                if (await RouteAsync(context).ConfigureAwait(false) is { } error)
                {
                    await AnswerErrors.WriteAsync(context, error).ConfigureAwait(false);
                }
            }
            finally
            {
                // 8. Settle whatever is left, whatever happened to the client: a hold no ledger line
                // carries is released, and the limits are settled (once).
                await settle.FinishAsync(context).ConfigureAwait(false);
            }
        }
    }

    /// <summary>5. Route: tries the plan's deployments; null when the client got its answer, else the error to send.</summary>
    private async Task<GatewayError?> RouteAsync(GatewayContext context)
    {
        var plan = context.Plan!;
        var attempts = new AttemptSequence(plan, time);
        ProviderFailure? failure = null;
        DeploymentConfig? last = null;
        while (attempts.TryBegin(out var attempt))
        {
            if (failure is not null)
            {
                // Counted when the next attempt is made, as the ledger counts attempts: a failure
                // followed by no attempt (the plan ran out, the deadline passed) is no fallback.
                observer.FellBack(last!, failure.Kind);
            }

            var deployment = last = attempt.Deployment.Config;
            context.Attempts = attempts.AttemptsMade;

            // 3. Admit, per deployment: one at its own rpm/tpm limit is skipped as if it had answered 429.
            if (await admit.AdmitAttemptAsync(context, deployment).ConfigureAwait(false) is { } atLimit)
            {
                failure = atLimit;
                context.NoteFailedAttempt(deployment.Id, atLimit);
                if (attempts.Fail(attempt, atLimit).Action == RetryAction.Stop)
                {
                    break;
                }

                continue;
            }

            // 4. Reserve: the first attempt holds the worst case before anything leaves; a later one is noted durably.
            if (await reserve.HoldOrNoteAsync(context, plan, deployment, attempts.AttemptsMade).ConfigureAwait(false) is { } refused)
            {
                attempts.Cancel(attempt);
                return refused;
            }

            // 6. Send, then 7. relay (which 8. settles before the last byte).
            AttemptResult result;
            var span = RequestObserver.AttemptStarted(context, deployment, attempts.AttemptsMade);
            try
            {
                result = await AttemptAsync(context, deployment, attempt.Key?.Secret, RequestTracing.UpstreamTraceParent(span, context)).ConfigureAwait(false);
            }
            catch
            {
                RequestObserver.AttemptAborted(span);
                attempts.Cancel(attempt);
                throw;
            }

            RequestObserver.AttemptEnded(span, result.Failure, result.Refusal);

            if (result.Refusal is { } refusal)
            {
                // What the target cannot express was refused before anything was sent: a 400, not a failover.
                attempts.Cancel(attempt);
                return refusal;
            }

            if (result.Failure is not { } upstreamFailure)
            {
                attempts.Succeed(attempt, TimeToFirstToken(context), TokensPerSecond(context));
                return null;
            }

            // Upstream bytes were masked as they were read; a secret hidden behind JSON escapes
            // surfaces only once the message is decoded, so the text is masked again here.
            failure = upstreamFailure with { Message = context.Snapshot.Redactor.Redact(upstreamFailure.Message, context.CallerSecret) };
            Log.UpstreamFailed(logger, context.RequestId, deployment.Provider.Name, deployment.Id, failure.Kind, failure.UpstreamStatus ?? 0);
            context.NoteFailedAttempt(deployment.Id, failure);
            if (context.Client.Aborted.IsCancellationRequested)
            {
                attempts.Cancel(attempt);
                break;
            }

            if (drain.Deadline.IsCancellationRequested)
            {
                // Shutting down: no retry; the line records why the upstream was abandoned.
                attempts.Cancel(attempt);
                failure = failure with { Message = $"the gateway was shutting down and its drain deadline passed before provider '{deployment.Provider.Name}' answered" };
                await settle.SettleFailureAsync(context, deployment, failure).ConfigureAwait(false);
                return GatewayErrors.ShuttingDown;
            }

            var decision = attempts.Fail(attempt, failure);
            if (decision.Action == RetryAction.Stop)
            {
                break;
            }

            if (decision.Action == RetryAction.SameAfterDelay && decision.Delay > TimeSpan.Zero)
            {
                await Task.Delay(decision.Delay, time, context.Client.Aborted).ConfigureAwait(false);
            }
        }

        context.Attempts = Math.Max(1, attempts.AttemptsMade);
        if (failure is null || last is null)
        {
            return GatewayErrors.NoDeployment(context.ModelAlias, attempts.StopReason ?? "attempt limit reached");
        }

        // 8. Settle the failure: one ledger line, never billed.
        var error = await settle.SettleFailureAsync(context, last, failure).ConfigureAwait(false);
        AnswerHeaders.SetRouting(context.Client, context, last);
        return error;
    }

    /// <summary>One attempt: sent, then relayed. Neither member set: the client got its answer.</summary>
    private async Task<AttemptResult> AttemptAsync(GatewayContext context, DeploymentConfig deployment, string? apiKey, string? traceParent)
    {
        var sent = await send.SendAsync(context, deployment, apiKey, traceParent).ConfigureAwait(false);
        if (sent.Refusal is { } refusal)
        {
            return new AttemptResult(null, refusal);
        }

        if (sent.Exchange is not { } exchange)
        {
            return new AttemptResult(sent.Failure, null);
        }

        await using (exchange.ConfigureAwait(false))
        {
            // At the drain deadline the upstream is abandoned, and the relay ends the answer with an error and a ledger line.
            using var stop = drain.Deadline.UnsafeRegister(static e => ((UpstreamExchange)e!).Cancel(), exchange);
            return new AttemptResult(await relay.RelayAsync(context, deployment, exchange, sent.Codec!).ConfigureAwait(false), null);
        }
    }

    /// <summary>How an attempt ended: the upstream failed before the client's answer began, or the target refused the request.</summary>
    private readonly record struct AttemptResult(ProviderFailure? Failure, GatewayError? Refusal);

    private static TimeSpan TimeToFirstToken(GatewayContext context) => TimeSpan.FromMilliseconds(context.FirstTokenMs ?? context.ElapsedMs);

    private static double TokensPerSecond(GatewayContext context)
    {
        var generating = (TimeSpan.FromMilliseconds(context.ElapsedMs) - TimeToFirstToken(context)).TotalSeconds;
        var output = context.Record?.Usage.Output ?? 0;
        return generating > 0 && output > 0 ? output / generating : 0;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UpstreamFailed, Level = LogLevel.Warning,
            Message = "Request {RequestId}: provider {Provider} (deployment {Deployment}) failed: {Kind}, HTTP {Status}")]
        public static partial void UpstreamFailed(ILogger logger, string requestId, string provider, string deployment, ProviderFailureKind kind, int status);
    }
}
