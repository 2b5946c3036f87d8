using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Routing;

/// <summary>
/// The attempts of one request over its <see cref="RoutePlan"/>: the dispatcher asks for an attempt,
/// reports how it ended, and follows the <see cref="RetryDecision"/>. It starts calls only on the
/// plan's deployments (which came from <see cref="EligibleDeployments"/>), never more than the
/// alias's attempt limit, and never at or after the deadline. One per request; not thread-safe.
/// </summary>
public sealed class AttemptSequence
{
    private readonly RoutePlan _plan;
    private readonly TimeProvider _time;
    private readonly List<DeploymentState> _attempted = [];
    private int _next;
    private DeploymentState? _retrySame;
    private DateTimeOffset _retryNotBefore;
    private bool _running;

    public AttemptSequence(RoutePlan plan, TimeProvider? timeProvider = null)
    {
        _plan = plan;
        _time = timeProvider ?? TimeProvider.System;
    }

    public RoutePlan Plan => _plan;

    public int AttemptsMade => _attempted.Count;

    /// <summary>Deployments attempted so far, in order (for <c>X-Ciyuan-Attempts</c> and the audit row).</summary>
    public IReadOnlyList<DeploymentState> Attempted => _attempted;

    /// <summary>Why <see cref="TryBegin"/> returned false or the last decision stopped.</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Starts the next attempt: after a <see cref="RetryAction.SameAfterDelay"/> decision (and the
    /// wait) the same deployment, otherwise the next ranked one that admits a call now.
    /// </summary>
    public bool TryBegin(out Attempt attempt)
    {
        if (_running)
        {
            throw new InvalidOperationException("The previous attempt has not been reported yet.");
        }

        attempt = default;
        if (AttemptsMade >= _plan.MaxAttempts)
        {
            StopReason = $"all {_plan.MaxAttempts} attempts used";
            return false;
        }

        var now = _time.GetUtcNow();
        if (now >= _plan.Deadline)
        {
            StopReason = "the request's total deadline has passed";
            return false;
        }

        if (_retrySame is { } same)
        {
            _retrySame = null;
            if (now >= _retryNotBefore && TryStart(same, out attempt))
            {
                return true;
            }
        }

        var ranked = _plan.Ranked;
        while (_next < ranked.Length)
        {
            if (TryStart(ranked[_next++], out attempt))
            {
                return true;
            }
        }

        StopReason = "no deployment is left that admits a call";
        return false;
    }

    /// <summary>Reports a failure before the first token and decides what comes next.</summary>
    public RetryDecision Fail(in Attempt attempt, ProviderFailure failure) => Fail(attempt, failure.Kind, failure.RetryAfter);

    /// <inheritdoc cref="Fail(in Attempt, ProviderFailure)"/>
    public RetryDecision Fail(in Attempt attempt, ProviderFailureKind kind, TimeSpan? retryAfter = null)
    {
        End(attempt);
        attempt.Deployment.RecordFailure(kind, retryAfter, _plan.EndpointOf(attempt.Deployment));
        var now = _time.GetUtcNow();
        var decision = RetryPlanner.Decide(kind, retryAfter, HasOtherCandidate(), AttemptsMade, _plan.MaxAttempts, now, _plan.Deadline, _plan.Alias.Options);
        switch (decision.Action)
        {
            case RetryAction.SameAfterDelay:
                _retrySame = attempt.Deployment;
                _retryNotBefore = now + decision.Delay;
                break;
            case RetryAction.Stop:
                StopReason = decision.Reason;
                break;
        }

        return decision;
    }

    /// <summary>Reports a call that produced its first token (and, when finished, its speed).</summary>
    public void Succeed(in Attempt attempt, TimeSpan timeToFirstToken, double tokensPerSecond)
    {
        End(attempt);
        attempt.Deployment.RecordSuccess(timeToFirstToken, tokensPerSecond, _plan.EndpointOf(attempt.Deployment));
    }

    /// <summary>Reports an attempt the client abandoned; the deployment is not judged.</summary>
    public void Cancel(in Attempt attempt)
    {
        End(attempt);
        attempt.Deployment.RecordCancelled();
    }

    private void End(in Attempt attempt)
    {
        if (!_running || attempt.Number != AttemptsMade)
        {
            throw new InvalidOperationException("Only the running attempt can be reported, once.");
        }

        _running = false;
        if (attempt.Key is { } key)
        {
            KeyPool.Release(key);
        }
    }

    private bool TryStart(DeploymentState deployment, out Attempt attempt)
    {
        attempt = default;

        // Defence in depth: the plan was built from the eligible set, but the check is cheap and the promise absolute.
        if (!_plan.Eligible.Contains(deployment) || !deployment.RecordStart(_plan.EndpointOf(deployment)))
        {
            return false;
        }

        PooledKey? key = null;
        if (deployment.Keys is { } pool && !pool.TryLease(_plan.AffinityKey, out key))
        {
            deployment.RecordCancelled();
            return false;
        }

        _attempted.Add(deployment);
        _running = true;
        attempt = new Attempt(AttemptsMade, deployment, key, _plan.Deadline);
        return true;
    }

    private bool HasOtherCandidate()
    {
        var ranked = _plan.Ranked;
        for (var i = _next; i < ranked.Length; i++)
        {
            if (ranked[i].GetAvailability(_plan.EndpointOf(ranked[i])) == DeploymentAvailability.Available)
            {
                return true;
            }
        }

        return false;
    }
}
