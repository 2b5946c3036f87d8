using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Core.Providers;
using Ciyuan.Http;

namespace Ciyuan.Pipeline;

/// <summary>
/// Stage 5, admit: requests per minute, tokens per minute and requests in flight, per key and per
/// project before anything else is spent, and per deployment before each attempt (a deployment at
/// its limit is skipped like one that answered 429). Tokens are counted from the estimate up front
/// (prompt plus <c>max_tokens</c>) and corrected with what the request really used when it ends.
/// The counters live in memory, or in Redis when several instances must share them.
/// </summary>
internal sealed class RequestLimits(CiyuanConfig config, ILimitCounters counters)
{
    /// <summary>Admits the request on its key's and project's limits, or says which limit it hit.</summary>
    public async Task<OpenAIError?> AdmitAsync(RequestContext request, long estimatedTokens)
    {
        var key = request.Key;
        var project = key.Project is { } name ? config.Projects.GetValueOrDefault(name) : null;
        if (key.RequestsPerMinute is null && key.TokensPerMinute is null && key.MaxConcurrency is null
            && project is null or { RequestsPerMinute: null, TokensPerMinute: null, MaxConcurrency: null })
        {
            // Most keys have no limits: nothing to count, nothing to allocate.
            return null;
        }

        var rates = new List<RateCharge>(4);
        if (key.RequestsPerMinute is { } keyRpm)
        {
            rates.Add(new RateCharge($"key:{key.Id}:rpm", 1, keyRpm));
        }

        if (key.TokensPerMinute is { } keyTpm)
        {
            rates.Add(new RateCharge($"key:{key.Id}:tpm", estimatedTokens, keyTpm));
        }

        if (project?.RequestsPerMinute is { } projectRpm)
        {
            rates.Add(new RateCharge($"project:{project.Name}:rpm", 1, projectRpm));
        }

        if (project?.TokensPerMinute is { } projectTpm)
        {
            rates.Add(new RateCharge($"project:{project.Name}:tpm", estimatedTokens, projectTpm));
        }

        var slots = new List<ConcurrencySlot>(2);
        if (key.MaxConcurrency is { } keyConcurrency)
        {
            slots.Add(new ConcurrencySlot($"key:{key.Id}:cc", keyConcurrency));
        }

        if (project?.MaxConcurrency is { } projectConcurrency)
        {
            slots.Add(new ConcurrencySlot($"project:{project.Name}:cc", projectConcurrency));
        }

        if (rates.Count > 0)
        {
            var decision = await counters.TryAddAsync(rates, CancellationToken.None).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                return Refusal(Describe(rates[decision.RefusedIndex].Counter, rates[decision.RefusedIndex].LimitPerMinute), decision.RetryAfter);
            }

            request.TokenCharges = rates.Where(r => r.Counter.EndsWith(":tpm", StringComparison.Ordinal)).Select(r => r.Counter).ToList();
            request.EstimatedTokens = estimatedTokens;
        }

        if (slots.Count > 0)
        {
            var decision = await counters.TryEnterAsync(slots, request.RequestId, CancellationToken.None).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                // Not admitted, so not counted: the rates taken a moment ago are given back.
                await counters.AdjustAsync(rates.Select(r => new RateAdjustment(r.Counter, -r.Amount)).ToList(), CancellationToken.None).ConfigureAwait(false);
                request.TokenCharges = null;
                var slot = slots[decision.RefusedIndex];
                return Refusal($"{Subject(slot.Counter)} may have {slot.Limit} requests in flight at once", TimeSpan.FromSeconds(1));
            }

            request.ConcurrencySlots = slots;
        }

        return null;
    }

    /// <summary>Counts an attempt against its deployment's limits; a failure value (429-like) when the deployment is at one.</summary>
    public async Task<ProviderFailure?> AdmitAttemptAsync(RequestContext request, DeploymentConfig deployment, long estimatedTokens)
    {
        if (deployment.RequestsPerMinute is null && deployment.TokensPerMinute is null)
        {
            return null;
        }

        var rates = new List<RateCharge>(2);
        if (deployment.RequestsPerMinute is { } rpm)
        {
            rates.Add(new RateCharge($"deployment:{deployment.Id}:rpm", 1, rpm));
        }

        if (deployment.TokensPerMinute is { } tpm)
        {
            rates.Add(new RateCharge($"deployment:{deployment.Id}:tpm", estimatedTokens, tpm));
        }

        var decision = await counters.TryAddAsync(rates, CancellationToken.None).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            var refused = rates[decision.RefusedIndex];
            return new ProviderFailure(ProviderFailureKind.RateLimited, StatusCodes.Status429TooManyRequests,
                $"Deployment '{deployment.Id}' is at its configured limit ({Describe(refused.Counter, refused.LimitPerMinute)}); nothing was sent to it.",
                RetryAfter: decision.RetryAfter);
        }

        if (deployment.TokensPerMinute is not null)
        {
            (request.TokenCharges ??= []).Add($"deployment:{deployment.Id}:tpm");
            request.EstimatedTokens = estimatedTokens;
        }

        return null;
    }

    /// <summary>Returns the request's concurrency slots and corrects its token counters with what it used.</summary>
    public async Task FinishAsync(RequestContext request)
    {
        if (request.ConcurrencySlots is { } slots)
        {
            await counters.ExitAsync(slots, request.RequestId, CancellationToken.None).ConfigureAwait(false);
        }

        if (request.TokenCharges is { Count: > 0 } charges)
        {
            var delta = request.TokensUsed - request.EstimatedTokens;
            if (delta != 0)
            {
                await counters.AdjustAsync(charges.Select(c => new RateAdjustment(c, delta)).ToList(), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static OpenAIError Refusal(string what, TimeSpan retryAfter)
    {
        var wait = retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
        return new OpenAIError(StatusCodes.Status429TooManyRequests,
            $"Rate limit reached: {what}. Retry after {Math.Ceiling(wait.TotalSeconds)} s.", "rate_limit_error", "rate_limit_exceeded")
        {
            RetryAfter = wait,
        };
    }

    private static string Describe(string counter, long limit) => counter.EndsWith(":rpm", StringComparison.Ordinal)
        ? $"{Subject(counter)} may send {limit} requests a minute"
        : $"{Subject(counter)} may use {limit} tokens a minute";

    /// <summary>"key:ID:rpm" → "key 'ID'".</summary>
    private static string Subject(string counter)
    {
        var first = counter.IndexOf(':', StringComparison.Ordinal);
        var last = counter.LastIndexOf(':');
        return $"{counter[..first]} '{counter[(first + 1)..last]}'";
    }
}
