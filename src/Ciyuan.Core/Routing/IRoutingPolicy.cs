namespace Ciyuan.Core.Routing;

/// <summary>
/// A named ranking strategy (<c>ordered</c>, <c>cheapest</c>, <c>fastest</c>, <c>weighted</c>, <c>least-busy</c>).
/// Pure, synchronous and allocation-free so it can run on every request; it only orders the
/// candidates it is given — eligibility (policy, fit) and health were decided before.
/// </summary>
public interface IRoutingPolicy
{
    /// <summary>The name config uses to choose the strategy.</summary>
    string Name { get; }

    /// <summary>
    /// Writes the indices of <paramref name="candidates"/>, best first, into <paramref name="order"/>
    /// and returns how many were written. <paramref name="order"/> must be at least as long as
    /// <paramref name="candidates"/>.
    /// </summary>
    int Rank(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, Span<int> order);
}
