using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class DeploymentStateTests
{
    [Fact]
    public void RecordStart_ThenOutcome_TracksInFlight()
    {
        var state = RoutingFixtures.State("a");

        Assert.True(state.RecordStart());
        Assert.True(state.RecordStart());
        Assert.Equal(2, state.InFlight);

        state.RecordSuccess(TimeSpan.FromMilliseconds(200), 50);
        state.RecordFailure(ProviderFailureKind.UpstreamError);

        Assert.Equal(0, state.InFlight);
    }

    [Fact]
    public void RecordSuccess_SeveralSamples_UpdatesEwmas()
    {
        var state = RoutingFixtures.State("a");
        Assert.False(state.IsMeasured);
        Assert.True(double.IsNaN(state.TokensPerSecond));

        state.RecordStart();
        state.RecordSuccess(TimeSpan.FromMilliseconds(100), 40);
        state.RecordStart();
        state.RecordSuccess(TimeSpan.FromMilliseconds(200), 80);

        // First sample seeds the average; the second moves it by alpha = 0.3.
        Assert.True(state.IsMeasured);
        Assert.Equal(130, state.TimeToFirstTokenMs, 6);
        Assert.Equal(52, state.TokensPerSecond, 6);
    }

    [Fact]
    public void RecordStart_AtInFlightLimit_RefusesAndIsSaturated()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { MaxInFlight = 2 });

        Assert.True(state.RecordStart());
        Assert.True(state.RecordStart());

        Assert.False(state.RecordStart());
        Assert.True(state.IsSaturated);
        Assert.Equal(DeploymentAvailability.Saturated, state.GetAvailability());

        state.RecordCancelled();
        Assert.Equal(DeploymentAvailability.Available, state.GetAvailability());
    }

    [Fact]
    public void RecordFailure_RetryAfter_HoldsDeploymentOutUntilThen()
    {
        var time = new ManualTimeProvider();
        var state = RoutingFixtures.State("a", time);

        state.RecordStart();
        state.RecordFailure(ProviderFailureKind.RateLimited, TimeSpan.FromSeconds(20));

        Assert.Equal(DeploymentAvailability.RetryAfterHold, state.GetAvailability());
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(20), state.HeldUntil);
        Assert.False(state.RecordStart());

        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Null(state.HeldUntil);
        Assert.True(state.RecordStart());
    }

    [Fact]
    public void HoldUntil_EarlierThanCurrentHold_KeepsTheLaterOne()
    {
        var time = new ManualTimeProvider();
        var state = RoutingFixtures.State("a", time);
        var later = time.GetUtcNow().AddSeconds(30);

        state.HoldUntil(later);
        state.HoldUntil(time.GetUtcNow().AddSeconds(5));

        Assert.Equal(later, state.HeldUntil);
    }

    [Fact]
    public void RecordStart_ConcurrentCallers_NeverExceedLimit()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { MaxInFlight = 8 });
        var admitted = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (state.RecordStart())
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(8, admitted);
        Assert.Equal(8, state.InFlight);
    }
}
