using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Errors;
using Ciyuan.Gateway.Limits;
using Ciyuan.Gateway.Telemetry;

namespace Ciyuan.Gateway.Pipeline;

/// <summary>
/// Stage 3, admit: requests per minute, tokens per minute and requests in flight, per key and per
/// project before anything else is spent, and per deployment before each attempt (a deployment at
/// its limit is skipped like one that answered 429). Tokens are counted from the estimate up front
/// (prompt plus the largest max-token field) and corrected with what the request really used when
/// it is settled. The counters live in memory, or in Redis when several instances must share them.
/// </summary>
internal sealed class AdmitStage(ILimitCounters counters, RequestObserver observer)
{
    /// <summary>The tokens a request is charged up front: the prompt estimate and the output it asked for.</summary>
    public static long EstimatedTokens(GatewayContext context) =>
        (context.Route?.PromptTokens ?? 0) + (context.Facts.RequestedMaxOutput ?? 0);

    /// <summary>Admits the request on its key's and project's limits, or says which limit it hit.</summary>
    public Task<GatewayError?> AdmitAsync(GatewayContext context) => AdmitAsync(context, EstimatedTokens(context));

    /// <summary>
    /// Admits on the key's and project's limits with <paramref name="estimatedTokens"/> up front. When
    /// the shared counters cannot be reached and the gateway must not count locally, the answer is a 503.
    /// </summary>
    public async Task<GatewayError?> AdmitAsync(GatewayContext request, long estimatedTokens)
    {
        try
        {
            return await AdmitOnLimitsAsync(request, estimatedTokens).ConfigureAwait(false);
        }
        catch (LimitsUnavailableException ex)
        {
            await FinishAsync(request).ConfigureAwait(false);
            return GatewayErrors.LimitsUnavailable(ex.Message);
        }
    }

    private async Task<GatewayError?> AdmitOnLimitsAsync(GatewayContext request, long estimatedTokens)
    {
        var key = request.Key;
        var project = key.Project is { } name ? request.Snapshot.Config.Projects.GetValueOrDefault(name) : null;
        if (key.RequestsPerMinute is null && key.TokensPerMinute is null && key.MaxConcurrency is null
            && project is null or { RequestsPerMinute: null, TokensPerMinute: null, MaxConcurrency: null })
        {
            // Most keys have no limits: nothing to count, nothing to allocate.
            return null;
        }

        var charges = new LimitCharges(estimatedTokens);
        charges.AddRates($"key:{key.Id}", $"key '{key.Name}'", key.RequestsPerMinute, key.TokensPerMinute);
        charges.AddConcurrency($"key:{key.Id}", $"key '{key.Name}'", key.MaxConcurrency);
        if (project is not null)
        {
            charges.AddRates($"project:{project.Name}", $"project '{project.Name}'", project.RequestsPerMinute, project.TokensPerMinute);
            charges.AddConcurrency($"project:{project.Name}", $"project '{project.Name}'", project.MaxConcurrency);
        }

        if (charges.Rates.Count > 0)
        {
            var decision = await counters.TryAddAsync(charges.Rates, CancellationToken.None).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                observer.LimitRefused(charges.Rates[decision.RefusedIndex].Counter);
                return Refusal(charges.RateLimits[decision.RefusedIndex], decision.RetryAfter);
            }

            request.TokenCharges = charges.TokenCounters.ToList();
            request.EstimatedTokens = estimatedTokens;
        }

        if (charges.Slots.Count > 0)
        {
            var decision = await counters.TryEnterAsync(charges.Slots, request.RequestId, CancellationToken.None).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                // Not admitted, so not counted: the rates taken a moment ago are given back.
                await counters.AdjustAsync(charges.Rates.Select(r => new RateAdjustment(r.Counter, -r.Amount)).ToList(), CancellationToken.None).ConfigureAwait(false);
                request.TokenCharges = null;
                observer.LimitRefused(charges.Slots[decision.RefusedIndex].Counter);
                return Refusal(charges.SlotLimits[decision.RefusedIndex], TimeSpan.FromSeconds(1));
            }

            request.ConcurrencySlots = charges.Slots;
        }

        return null;
    }

    /// <summary>Counts an attempt against its deployment's limits; a failure value (429-like) when the deployment is at one.</summary>
    public async Task<ProviderFailure?> AdmitAttemptAsync(GatewayContext request, DeploymentConfig deployment)
    {
        if (deployment.RequestsPerMinute is null && deployment.TokensPerMinute is null)
        {
            return null;
        }

        var estimatedTokens = EstimatedTokens(request);
        var charges = new LimitCharges(estimatedTokens);
        charges.AddRates($"deployment:{deployment.Id}", "it", deployment.RequestsPerMinute, deployment.TokensPerMinute);
        LimitDecision decision;
        try
        {
            decision = await counters.TryAddAsync(charges.Rates, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LimitsUnavailableException ex)
        {
            // Its limits cannot be checked: as good as overloaded, so the plan moves on.
            return new ProviderFailure(ProviderFailureKind.Overloaded, 503, $"Deployment '{deployment.Id}': {ex.Message}");
        }

        if (!decision.Allowed)
        {
            observer.LimitRefused(charges.Rates[decision.RefusedIndex].Counter);
            return new ProviderFailure(ProviderFailureKind.RateLimited, 429,
                $"Deployment '{deployment.Id}' is at its configured limit ({charges.RateLimits[decision.RefusedIndex]}); nothing was sent to it.",
                RetryAfter: decision.RetryAfter);
        }

        (request.TokenCharges ??= []).AddRange(charges.TokenCounters);
        request.EstimatedTokens = estimatedTokens;
        return null;
    }

    /// <summary>
    /// When a request ends without being settled (refused, failed, cut short): returns its slots and
    /// gives back the tokens it was charged up front beyond what it used. Does nothing once settled.
    /// </summary>
    public Task FinishAsync(GatewayContext request) => SettleAsync(request, request.Record?.Usage.TotalTokens ?? 0);

    /// <summary>Returns the request's concurrency slots and corrects its token counters with what it used; once per request.</summary>
    public async Task SettleAsync(GatewayContext request, long tokensUsed)
    {
        if (!request.TrySettleLimits())
        {
            return;
        }

        if (request.ConcurrencySlots is { } slots)
        {
            await counters.ExitAsync(slots, request.RequestId, CancellationToken.None).ConfigureAwait(false);
        }

        if (request.TokenCharges is { Count: > 0 } charges)
        {
            var delta = tokensUsed - request.EstimatedTokens;
            if (delta != 0)
            {
                await counters.AdjustAsync(charges.Select(c => new RateAdjustment(c, delta)).ToList(), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static GatewayError Refusal(string what, TimeSpan retryAfter) => GatewayErrors.RateLimited(what, retryAfter);
}
