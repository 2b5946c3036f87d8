namespace Ciyuan.Core.Routing;

/// <summary>
/// Configured order: the first deployment is the primary, the rest are fallbacks. Ignores
/// prompt-cache affinity on purpose: a priority list already sends every request to one deployment.
/// </summary>
public sealed class OrderedRoutingPolicy : IRoutingPolicy, IRankExplainer
{
    public string Name => RoutingPolicyNames.Ordered;

    public int Rank(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, Span<int> order)
    {
        RankingSort.CheckOrderLength(candidates.Length, order);
        for (var i = 0; i < candidates.Length; i++)
        {
            order[i] = i;
        }

        return candidates.Length;
    }

    string IRankExplainer.Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index) =>
        $"configured position {index + 1}";
}
