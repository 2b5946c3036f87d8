using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerOptions Options = new()
    {
        FailureRateThreshold = 0.5,
        MinimumCalls = 4,
        Window = TimeSpan.FromSeconds(10),
        Buckets = 10,
        CoolDown = TimeSpan.FromSeconds(30),
    };

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void RecordFailure_BelowMinimumCalls_StaysClosed()
    {
        var state = NewState();

        Fail(state, 3);

        Assert.Equal(CircuitState.Closed, state.Circuit);
    }

    [Fact]
    public void RecordFailure_RateAtThresholdWithMinimumCalls_Opens()
    {
        var state = NewState();

        Succeed(state, 2);
        Fail(state, 2);

        Assert.Equal(CircuitState.Open, state.Circuit);
        Assert.Equal(DeploymentAvailability.CircuitOpen, state.GetAvailability());
        Assert.False(state.RecordStart());
    }

    [Fact]
    public void RecordFailure_RateBelowThreshold_StaysClosed()
    {
        var state = NewState();

        Succeed(state, 6);
        Fail(state, 2);

        Assert.Equal(CircuitState.Closed, state.Circuit);
    }

    [Fact]
    public void RecordFailure_OldFailuresOutsideWindow_AreForgotten()
    {
        var state = NewState();
        Fail(state, 3);

        _time.Advance(TimeSpan.FromSeconds(11));
        Fail(state, 1);

        Assert.Equal(CircuitState.Closed, state.Circuit);
        Assert.Equal((1L, 1L), state.WindowTotals());
    }

    [Fact]
    public void RecordStart_AfterCoolDown_AdmitsExactlyOneTrial()
    {
        var state = OpenState();

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CircuitState.HalfOpen, state.Circuit);
        Assert.True(state.RecordStart());
        Assert.False(state.RecordStart());
        Assert.Equal(DeploymentAvailability.CircuitOpen, state.GetAvailability());
    }

    [Fact]
    public void RecordSuccess_HalfOpenTrial_Closes()
    {
        var state = OpenState();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(state.RecordStart());

        state.RecordSuccess(TimeSpan.FromMilliseconds(100), 10);

        Assert.Equal(CircuitState.Closed, state.Circuit);
        Assert.Equal((0L, 0L), state.WindowTotals());
        Assert.True(state.RecordStart());
    }

    [Fact]
    public void RecordFailure_HalfOpenTrial_ReopensForAnotherCoolDown()
    {
        var state = OpenState();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(state.RecordStart());

        state.RecordFailure(ProviderFailureKind.Unreachable);

        Assert.Equal(CircuitState.Open, state.Circuit);
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), state.CircuitOpenUntil);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(state.RecordStart());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(state.RecordStart());
    }

    [Fact]
    public void RecordStart_HalfOpenTrialNeverReported_AdmitsAnotherAfterCoolDown()
    {
        var state = OpenState();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(state.RecordStart());

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(state.RecordStart());
    }

    [Theory]
    [InlineData(ProviderFailureKind.BadRequest)]
    [InlineData(ProviderFailureKind.ContentFiltered)]
    [InlineData(ProviderFailureKind.ContextTooLong)]
    public void RecordFailure_RequestFaults_DoNotCountAgainstCircuit(ProviderFailureKind kind)
    {
        var state = NewState();

        for (var i = 0; i < 10; i++)
        {
            Assert.True(state.RecordStart());
            state.RecordFailure(kind);
        }

        Assert.Equal(CircuitState.Closed, state.Circuit);
    }

    [Fact]
    public void RecordCancelled_DoesNotCount()
    {
        var state = NewState();

        for (var i = 0; i < 10; i++)
        {
            Assert.True(state.RecordStart());
            state.RecordCancelled();
        }

        Assert.Equal((0L, 0L), state.WindowTotals());
    }

    [Fact]
    public void RecordFailure_OnTheMessagesEndpoint_LeavesTheOpenAIEndpointAvailable()
    {
        var state = NewState();

        for (var i = 0; i < 4; i++)
        {
            Assert.True(state.RecordStart(UpstreamEndpoint.Messages));
            state.RecordFailure(ProviderFailureKind.UpstreamError, endpoint: UpstreamEndpoint.Messages);
        }

        Assert.Equal(CircuitState.Open, state.CircuitOf(UpstreamEndpoint.Messages));
        Assert.Equal(DeploymentAvailability.CircuitOpen, state.GetAvailability(UpstreamEndpoint.Messages));
        Assert.Equal(CircuitState.Closed, state.CircuitOf(UpstreamEndpoint.OpenAI));
        Assert.Equal(DeploymentAvailability.Available, state.GetAvailability(UpstreamEndpoint.OpenAI));
        Assert.True(state.RecordStart(UpstreamEndpoint.OpenAI));
    }

    private DeploymentState NewState() => RoutingFixtures.State("a", _time, breaker: Options);

    private DeploymentState OpenState()
    {
        var state = NewState();
        Fail(state, 4);
        Assert.Equal(CircuitState.Open, state.Circuit);
        return state;
    }

    private static void Fail(DeploymentState state, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(state.RecordStart());
            state.RecordFailure(ProviderFailureKind.UpstreamError);
        }
    }

    private static void Succeed(DeploymentState state, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(state.RecordStart());
            state.RecordSuccess(TimeSpan.FromMilliseconds(100), 20);
        }
    }
}
