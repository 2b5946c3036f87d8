namespace Ciyuan.Core.Routing;

/// <summary>The retry planner's answer, with the reason for logs and <c>route explain</c>.</summary>
public readonly record struct RetryDecision(RetryAction Action, TimeSpan Delay, string Reason)
{
    public static RetryDecision Next(string reason) => new(RetryAction.NextCandidate, TimeSpan.Zero, reason);

    public static RetryDecision Same(TimeSpan delay, string reason) => new(RetryAction.SameAfterDelay, delay, reason);

    public static RetryDecision Stop(string reason) => new(RetryAction.Stop, TimeSpan.Zero, reason);
}
