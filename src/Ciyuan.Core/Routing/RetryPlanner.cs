using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Decides, from a failure before the first token, whether to move on, wait and retry the same
/// deployment, or stop. A pure function of its inputs, so every rule is testable without a clock.
/// Rules: a bad request stops (every deployment would refuse it); failures about this deployment
/// or account (out of balance, content filter, auth, permission, not found, context too long) move
/// to another deployment but never retry this one; transient failures (429, overload, 5xx,
/// unreachable, timeout) move on, or — when nothing else is left — wait for Retry-After (or a
/// short back-off) if it ends before the deadline and is not too long. Attempts and the total
/// deadline bound everything.
/// </summary>
public static class RetryPlanner
{
    public static RetryDecision Decide(
        ProviderFailureKind kind,
        TimeSpan? retryAfter,
        bool hasOtherCandidate,
        int attemptsMade,
        int maxAttempts,
        DateTimeOffset now,
        DateTimeOffset deadline,
        AliasRoutingOptions options)
    {
        if (kind == ProviderFailureKind.BadRequest)
        {
            return RetryDecision.Stop("the request is invalid; every deployment would refuse it");
        }

        if (attemptsMade >= maxAttempts)
        {
            return RetryDecision.Stop($"all {maxAttempts} attempts used");
        }

        if (now >= deadline)
        {
            return RetryDecision.Stop("the request's total deadline has passed");
        }

        if (hasOtherCandidate)
        {
            return RetryDecision.Next($"{kind} on this deployment; trying the next one");
        }

        if (!IsTransient(kind))
        {
            return RetryDecision.Stop($"{kind} would recur on the same deployment and no other deployment is left");
        }

        var delay = retryAfter is { } wait && wait > TimeSpan.Zero ? wait : options.SameDeploymentBackoff;
        if (delay > options.MaxSameDeploymentWait)
        {
            return RetryDecision.Stop($"the provider asks to wait {delay.TotalSeconds:0.#} s, longer than the {options.MaxSameDeploymentWait.TotalSeconds:0.#} s worth waiting");
        }

        if (now + delay >= deadline)
        {
            return RetryDecision.Stop("waiting to retry would pass the request's total deadline");
        }

        return RetryDecision.Same(delay, $"{kind} and no other deployment is left; retrying the same one after {delay.TotalMilliseconds:0} ms");
    }

    /// <summary>Failures that may clear up on the same deployment after a wait.</summary>
    public static bool IsTransient(ProviderFailureKind kind) => kind is ProviderFailureKind.RateLimited
        or ProviderFailureKind.Overloaded or ProviderFailureKind.UpstreamError
        or ProviderFailureKind.Unreachable or ProviderFailureKind.Timeout;
}
