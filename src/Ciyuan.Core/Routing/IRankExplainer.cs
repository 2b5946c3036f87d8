namespace Ciyuan.Core.Routing;

/// <summary>
/// Implemented by strategies that can say, in words, what they scored a candidate by; used only by
/// <c>route explain</c>, so ranking itself stays free of strings.
/// </summary>
internal interface IRankExplainer
{
    string Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index);
}
