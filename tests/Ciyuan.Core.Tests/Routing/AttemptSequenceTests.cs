using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class AttemptSequenceTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void TryBegin_FailuresOnEach_FallsBackInRankedOrder()
    {
        var (sequence, states) = Start(3, new AliasRoutingOptions { MaxAttempts = 5 });

        Assert.True(sequence.TryBegin(out var first));
        Assert.Equal(RetryAction.NextCandidate, sequence.Fail(first, ProviderFailureKind.Overloaded).Action);
        Assert.True(sequence.TryBegin(out var second));
        Assert.Equal(RetryAction.NextCandidate, sequence.Fail(second, ProviderFailureKind.OutOfBalance).Action);
        Assert.True(sequence.TryBegin(out var third));
        sequence.Succeed(third, TimeSpan.FromMilliseconds(80), 30);

        Assert.Equal(states, sequence.Attempted);
        Assert.Equal(3, third.Number);
        Assert.All(states, s => Assert.Equal(0, s.InFlight));
    }

    [Fact]
    public void TryBegin_AttemptLimit_Stops()
    {
        var (sequence, _) = Start(3, new AliasRoutingOptions { MaxAttempts = 2 });

        Assert.True(sequence.TryBegin(out var first));
        sequence.Fail(first, ProviderFailureKind.UpstreamError);
        Assert.True(sequence.TryBegin(out var second));
        var decision = sequence.Fail(second, ProviderFailureKind.UpstreamError);

        Assert.Equal(RetryAction.Stop, decision.Action);
        Assert.False(sequence.TryBegin(out _));
        Assert.Contains("2 attempts", sequence.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBegin_RateLimitedOnlyDeployment_RetriesSameAfterRetryAfter()
    {
        var (sequence, states) = Start(1);

        Assert.True(sequence.TryBegin(out var first));
        var decision = sequence.Fail(first, new ProviderFailure(ProviderFailureKind.RateLimited, 429, "slow down", RetryAfter: TimeSpan.FromSeconds(2)));

        Assert.Equal(RetryAction.SameAfterDelay, decision.Action);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.Delay);
        _time.Advance(decision.Delay);
        Assert.True(sequence.TryBegin(out var second));
        Assert.Same(states[0], second.Deployment);
    }

    [Fact]
    public void TryBegin_BeforeRetryAfterElapsed_DoesNotHitHeldDeployment()
    {
        var (sequence, _) = Start(1);
        Assert.True(sequence.TryBegin(out var first));
        sequence.Fail(first, ProviderFailureKind.RateLimited, TimeSpan.FromSeconds(2));

        Assert.False(sequence.TryBegin(out _));
    }

    [Fact]
    public void TryBegin_ContentFilteredOnlyDeployment_Stops()
    {
        var (sequence, _) = Start(1);
        Assert.True(sequence.TryBegin(out var first));

        Assert.Equal(RetryAction.Stop, sequence.Fail(first, ProviderFailureKind.ContentFiltered).Action);
        Assert.False(sequence.TryBegin(out _));
    }

    [Fact]
    public void TryBegin_AfterDeadline_Stops()
    {
        var (sequence, _) = Start(3, new AliasRoutingOptions { TotalTimeout = TimeSpan.FromSeconds(30) });
        Assert.True(sequence.TryBegin(out var first));
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(RetryAction.Stop, sequence.Fail(first, ProviderFailureKind.Timeout).Action);
        Assert.False(sequence.TryBegin(out _));
        Assert.Contains("deadline", sequence.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBegin_CandidateOpenedMeanwhile_IsSkipped()
    {
        var (sequence, states) = Start(3);
        while (states[1].Circuit != CircuitState.Open)
        {
            Assert.True(states[1].RecordStart());
            states[1].RecordFailure(ProviderFailureKind.Unreachable);
        }

        Assert.True(sequence.TryBegin(out var first));
        sequence.Fail(first, ProviderFailureKind.Unreachable);
        Assert.True(sequence.TryBegin(out var second));

        Assert.Same(states[2], second.Deployment);
    }

    [Fact]
    public void TryBegin_KeyPool_LeasesAffineKeyAndReleasesIt()
    {
        var pool = new KeyPool([new PooledKey("k#1", "s1", 1), new PooledKey("k#2", "s2", 1)]);
        var state = RoutingFixtures.State("a", _time, keys: pool);
        var router = RoutingFixtures.Router(_time, [state]);
        var sequence = new AttemptSequence(router.Route(new RouteRequest { Alias = "chat", AffinityKey = 77 }).Plan!, _time);

        Assert.True(sequence.TryBegin(out var attempt));
        Assert.Equal(1, attempt.Key!.InFlight);

        sequence.Succeed(attempt, TimeSpan.FromMilliseconds(50), 10);
        Assert.Equal(0, attempt.Key.InFlight);
        Assert.Same(attempt.Key, pool.Peek(77));
    }

    [Fact]
    public void Fail_ReportedTwice_Throws()
    {
        var (sequence, _) = Start(2);
        Assert.True(sequence.TryBegin(out var first));
        sequence.Fail(first, ProviderFailureKind.Timeout);

        Assert.Throws<InvalidOperationException>(() => sequence.Fail(first, ProviderFailureKind.Timeout));
    }

    private (AttemptSequence Sequence, List<DeploymentState> States) Start(int count, AliasRoutingOptions? options = null)
    {
        var states = Enumerable.Range(0, count).Select(i => RoutingFixtures.State("p" + i, _time)).ToList();
        var router = RoutingFixtures.Router(_time, states, options ?? AliasRoutingOptions.Default);
        var result = router.Route(new RouteRequest { Alias = "chat" });
        return (new AttemptSequence(result.Plan!, _time), states);
    }
}
