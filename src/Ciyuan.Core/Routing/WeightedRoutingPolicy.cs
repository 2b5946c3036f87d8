using System.Globalization;

namespace Ciyuan.Core.Routing;

/// <summary>
/// A random order in which each deployment's chance of being first is proportional to its
/// configured weight (weighted sampling without replacement, Efraimidis–Spirakis: sort by
/// −ln(u) / weight). Weight 0 means "fallback only" and ranks last. With prompt-cache affinity
/// the affine deployment goes first; the weights then spread the distinct prefixes.
/// </summary>
public sealed class WeightedRoutingPolicy(IRandomSource random) : ScoredRoutingPolicy, IRankExplainer
{
    public override string Name => RoutingPolicyNames.Weighted;

    protected override double Score(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var weight = candidates[index].Config.Weight;
        return weight > 0 ? -Math.Log(1.0 - random.NextDouble()) / weight : double.PositiveInfinity;
    }

    string IRankExplainer.Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var total = 0L;
        foreach (var candidate in candidates)
        {
            total += Math.Max(0, candidate.Config.Weight);
        }

        var weight = candidates[index].Config.Weight;
        var share = total > 0 && weight > 0 ? (double)weight / total : 0;
        var affine = index == context.AffinityIndex ? ", prompt-cache affine" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"weight {weight} ({share * 100:0}% chance of first){affine}");
    }
}
