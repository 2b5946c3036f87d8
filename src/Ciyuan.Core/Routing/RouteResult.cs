namespace Ciyuan.Core.Routing;

/// <summary>A plan to dispatch, or why there is none — an error as a value, since the caller branches on it.</summary>
public sealed class RouteResult
{
    private RouteResult(RoutePlan? plan, RouteErrorKind error, string? message, TimeSpan? retryAfter)
    {
        Plan = plan;
        Error = error;
        Message = message;
        RetryAfter = retryAfter;
    }

    public RoutePlan? Plan { get; }

    public RouteErrorKind Error { get; }

    /// <summary>What was wrong and what to do; safe to show a client (no secrets).</summary>
    public string? Message { get; }

    /// <summary>For <see cref="RouteErrorKind.NoneAvailable"/>: when the first deployment may admit calls again.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool Succeeded => Plan is not null;

    internal static RouteResult Success(RoutePlan plan) => new(plan, RouteErrorKind.None, null, null);

    internal static RouteResult Failure(RouteErrorKind error, string message, TimeSpan? retryAfter = null) =>
        new(null, error, message, retryAfter);
}
