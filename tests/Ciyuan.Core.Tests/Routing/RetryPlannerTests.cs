using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class RetryPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Deadline = Now.AddMinutes(1);
    private static readonly AliasRoutingOptions Options = AliasRoutingOptions.Default;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decide_BadRequest_Stops(bool hasOther)
    {
        Assert.Equal(RetryAction.Stop, Decide(ProviderFailureKind.BadRequest, hasOther).Action);
    }

    [Theory]
    [InlineData(ProviderFailureKind.OutOfBalance)]
    [InlineData(ProviderFailureKind.ContentFiltered)]
    [InlineData(ProviderFailureKind.Authentication)]
    [InlineData(ProviderFailureKind.PermissionDenied)]
    [InlineData(ProviderFailureKind.NotFound)]
    [InlineData(ProviderFailureKind.ContextTooLong)]
    public void Decide_DeploymentSpecificFailure_MovesOnButNeverRetriesSame(ProviderFailureKind kind)
    {
        Assert.Equal(RetryAction.NextCandidate, Decide(kind, hasOther: true).Action);
        Assert.Equal(RetryAction.Stop, Decide(kind, hasOther: false, retryAfter: TimeSpan.FromSeconds(1)).Action);
    }

    [Theory]
    [InlineData(ProviderFailureKind.RateLimited)]
    [InlineData(ProviderFailureKind.Overloaded)]
    [InlineData(ProviderFailureKind.UpstreamError)]
    [InlineData(ProviderFailureKind.Unreachable)]
    [InlineData(ProviderFailureKind.Timeout)]
    public void Decide_TransientFailure_MovesOnOrRetriesSameAfterBackoff(ProviderFailureKind kind)
    {
        Assert.Equal(RetryAction.NextCandidate, Decide(kind, hasOther: true).Action);

        var same = Decide(kind, hasOther: false);
        Assert.Equal(RetryAction.SameAfterDelay, same.Action);
        Assert.Equal(Options.SameDeploymentBackoff, same.Delay);
    }

    [Fact]
    public void Decide_RateLimitedWithRetryAfter_WaitsThatLong()
    {
        var decision = Decide(ProviderFailureKind.RateLimited, hasOther: false, retryAfter: TimeSpan.FromSeconds(3));

        Assert.Equal(RetryDecision.Same(TimeSpan.FromSeconds(3), decision.Reason), decision);
    }

    [Fact]
    public void Decide_RetryAfterLongerThanWorthWaiting_Stops()
    {
        var decision = Decide(ProviderFailureKind.RateLimited, hasOther: false, retryAfter: TimeSpan.FromSeconds(11));

        Assert.Equal(RetryAction.Stop, decision.Action);
        Assert.Contains("11 s", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WaitWouldPassDeadline_Stops()
    {
        var decision = RetryPlanner.Decide(ProviderFailureKind.Overloaded, TimeSpan.FromSeconds(5), false, 1, 3, Now, Now.AddSeconds(5), Options);

        Assert.Equal(RetryAction.Stop, decision.Action);
    }

    [Fact]
    public void Decide_AttemptsUsedOrDeadlinePassed_Stops()
    {
        Assert.Equal(RetryAction.Stop, RetryPlanner.Decide(ProviderFailureKind.Timeout, null, true, 3, 3, Now, Deadline, Options).Action);
        Assert.Equal(RetryAction.Stop, RetryPlanner.Decide(ProviderFailureKind.Timeout, null, true, 1, 3, Deadline, Deadline, Options).Action);
    }

    private static RetryDecision Decide(ProviderFailureKind kind, bool hasOther, TimeSpan? retryAfter = null) =>
        RetryPlanner.Decide(kind, retryAfter, hasOther, attemptsMade: 1, maxAttempts: 3, Now, Deadline, Options);
}
