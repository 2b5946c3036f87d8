namespace Ciyuan.Core.Routing;

/// <summary>The strategy names config accepts under <c>routing.strategy</c>.</summary>
public static class RoutingPolicyNames
{
    public const string Ordered = "ordered";
    public const string Cheapest = "cheapest";
    public const string Fastest = "fastest";
    public const string Weighted = "weighted";
    public const string LeastBusy = "least-busy";
}
