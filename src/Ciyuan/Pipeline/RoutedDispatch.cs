using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Core.Secrets;
using Ciyuan.Hosting;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Stages 3–8 for every front door: route (privacy policy as a hard filter, fit, health, ranking),
/// then try the plan's deployments under its attempt and deadline bounds. A door supplies only how
/// to send to one deployment and relay its answer.
/// </summary>
internal sealed partial class RoutedDispatch(GatewayRouting routing, TimeProvider time, FailureRecorder failures, RequestBudgets budgets, RequestLimits limits, SecretRedactor redactor, ILogger<RoutedDispatch> logger)
{
    /// <summary>What one attempt ended in.</summary>
    public readonly record struct AttemptOutcome(ProviderFailure? Failure, bool Handled)
    {
        public static AttemptOutcome Served => new(null, true);

        /// <summary>The door already answered the client (e.g. a 400 for what the target cannot express).</summary>
        public static AttemptOutcome Answered => new(null, true);

        public static AttemptOutcome Failed(ProviderFailure failure) => new(failure, false);

        /// <summary>What a relay's result means: null is a served answer.</summary>
        public static AttemptOutcome Of(ProviderFailure? failure) => failure is null ? Served : Failed(failure);
    }

    /// <summary>
    /// Routes and dispatches. Returns null when the request was served or answered; otherwise the
    /// error to send (and the deployment it concerns, if any) — the caller records and writes it.
    /// </summary>
    public async Task<DispatchFailure?> RunAsync(HttpContext context, RequestContext request, RouteRequest route, Func<DeploymentConfig, string?, CancellationToken, Task<AttemptOutcome>> attempt)
    {
        // Stage 5: the key's and project's rate and concurrency limits.
        if (await limits.AdmitAsync(request, EstimatedTokens(route)).ConfigureAwait(false) is { } limited)
        {
            return new DispatchFailure(null, null, limited);
        }

        try
        {
            return await DispatchAsync(context, request, route, attempt).ConfigureAwait(false);
        }
        finally
        {
            // Settled in finally whatever happened to the client: a request that reached an
            // upstream consumed its tokens even if the client went away.
            await budgets.FinishAsync(request).ConfigureAwait(false);
            await limits.FinishAsync(request).ConfigureAwait(false);
        }
    }

    private static long EstimatedTokens(RouteRequest route) => route.PromptTokens + (route.MaxOutputTokens ?? 0);

    private async Task<DispatchFailure?> DispatchAsync(HttpContext context, RequestContext request, RouteRequest route, Func<DeploymentConfig, string?, CancellationToken, Task<AttemptOutcome>> attempt)
    {
        var result = routing.Router.Route(route);
        if (result.Plan is not { } plan)
        {
            return new DispatchFailure(null, null, RouteError(result));
        }

        var sequence = new AttemptSequence(plan, time);
        ProviderFailure? failure = null;
        DeploymentConfig? last = null;
        while (sequence.TryBegin(out var current))
        {
            last = current.Deployment.Config;
            request.Attempts = sequence.AttemptsMade;

            // A deployment at its own rpm/tpm limit is skipped as if it had answered 429.
            if (await limits.AdmitAttemptAsync(request, last, EstimatedTokens(route)).ConfigureAwait(false) is { } atLimit)
            {
                failure = atLimit;
                if (sequence.Fail(current, atLimit).Action == RetryAction.Stop)
                {
                    break;
                }

                continue;
            }

            // Stage 6: the first attempt holds the worst case on every budget line, durably, before
            // anything leaves; a fallback is noted durably too, so an in-doubt record names where it went.
            if (request.Hold is null)
            {
                var refusal = await budgets.ReserveAsync(request, plan, last).ConfigureAwait(false);
                if (refusal is not null)
                {
                    sequence.Cancel(current);
                    return new DispatchFailure(null, null, refusal);
                }
            }
            else
            {
                await budgets.RecordAttemptAsync(request, sequence.AttemptsMade, last).ConfigureAwait(false);
            }

            AttemptOutcome outcome;
            try
            {
                outcome = await attempt(last, current.Key?.Secret, context.RequestAborted).ConfigureAwait(false);
            }
            catch
            {
                sequence.Cancel(current);
                throw;
            }

            if (outcome.Handled)
            {
                var elapsed = TimeSpan.FromMilliseconds(request.ElapsedMs);
                var ttft = TimeSpan.FromMilliseconds(request.FirstTokenMs ?? request.ElapsedMs);
                var generating = (elapsed - ttft).TotalSeconds;
                sequence.Succeed(current, ttft, generating > 0 && request.OutputTokens > 0 ? request.OutputTokens / generating : 0);
                return null;
            }

            // Upstream bytes were masked as they were read; a secret hidden behind JSON escapes
            // surfaces only once the message is decoded, so the text is masked again here.
            failure = outcome.Failure! with { Message = redactor.Redact(outcome.Failure!.Message, request.CallerSecret) };
            Log.UpstreamFailed(logger, request.RequestId, last.Provider.Name, last.Id, failure.Kind, failure.UpstreamStatus ?? 0);
            if (context.RequestAborted.IsCancellationRequested)
            {
                sequence.Cancel(current);
                break;
            }

            var decision = sequence.Fail(current, failure);
            if (decision.Action == RetryAction.Stop)
            {
                break;
            }

            if (decision.Action == RetryAction.SameAfterDelay && decision.Delay > TimeSpan.Zero)
            {
                await Task.Delay(decision.Delay, time, context.RequestAborted).ConfigureAwait(false);
            }
        }

        request.Attempts = Math.Max(1, sequence.AttemptsMade);
        return failure is null || last is null
            ? new DispatchFailure(null, null, new OpenAIError(StatusCodes.Status503ServiceUnavailable,
                $"No deployment of model '{request.ModelAlias}' could take the request ({sequence.StopReason ?? "attempt limit reached"}); retry later.", "upstream_error", "no_deployment_available"))
            : new DispatchFailure(last, failure, null);
    }

    /// <summary>The error to tell the client: an upstream failure is recorded (never billed) first; a routing refusal is not a ledger line.</summary>
    public async Task<OpenAIError> ErrorForAsync(HttpContext context, RequestContext request, DispatchFailure failed) =>
        failed.Deployment is { } deployment
            ? await failures.RecordAsync(context, request, deployment, failed.Failure!).ConfigureAwait(false)
            : failed.Error!;

    private static OpenAIError RouteError(RouteResult result) => result.Error switch
    {
        RouteErrorKind.UnknownAlias => new OpenAIError(StatusCodes.Status404NotFound, result.Message!, "invalid_request_error", "model_not_found", "model"),
        RouteErrorKind.UnknownPolicy => new OpenAIError(StatusCodes.Status400BadRequest, result.Message!, "invalid_request_error", "unknown_policy"),
        RouteErrorKind.DeniedByPolicy => new OpenAIError(StatusCodes.Status403Forbidden, result.Message!, "permission_error", "denied_by_policy"),
        RouteErrorKind.NoFit => new OpenAIError(StatusCodes.Status400BadRequest, result.Message!, "invalid_request_error", "context_length_exceeded"),
        _ => new OpenAIError(StatusCodes.Status503ServiceUnavailable, result.Message!, "upstream_error", "no_deployment_available")
        {
            RetryAfter = result.RetryAfter,
        },
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UpstreamFailed, Level = LogLevel.Warning,
            Message = "Request {RequestId}: provider {Provider} (deployment {Deployment}) failed: {Kind}, HTTP {Status}")]
        public static partial void UpstreamFailed(ILogger logger, string requestId, string provider, string deployment, ProviderFailureKind kind, int status);
    }
}

/// <summary>Why a dispatch produced no answer: an upstream failure on a deployment, or a routing error.</summary>
internal sealed record DispatchFailure(DeploymentConfig? Deployment, ProviderFailure? Failure, OpenAIError? Error);
