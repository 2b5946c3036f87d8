using System.Globalization;

namespace Ciyuan.Core.Routing;

/// <summary>
/// Fewest calls in flight first. Ties break at random (a fraction below one added to the integer
/// count), so idle deployments share the load instead of all traffic herding to the first one.
/// With prompt-cache affinity the affine deployment goes first until it saturates (its in-flight
/// limit takes it out of the candidates), then the least busy one takes over. With an affinity
/// key, ties break by the key's rendezvous order instead of at random, so when the affine deployment
/// fails a prefix's requests all move to the same second home (whose cache then warms up) rather
/// than scattering.
/// </summary>
public sealed class LeastBusyRoutingPolicy(IRandomSource random) : ScoredRoutingPolicy, IRankExplainer
{
    public override string Name => RoutingPolicyNames.LeastBusy;

    protected override double Score(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var tieBreak = context.AffinityKey != 0
            ? 0.5 - ((StableHash.Rendezvous(context.AffinityKey, candidates[index].IdHash) >> 11) * (0.5 / (1UL << 53)))
            : random.NextDouble() * 0.5;
        return candidates[index].InFlight + tieBreak;
    }

    string IRankExplainer.Describe(in RoutingContext context, ReadOnlySpan<DeploymentState> candidates, int index)
    {
        var affine = index == context.AffinityIndex ? ", prompt-cache affine" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{candidates[index].InFlight} in flight{affine}");
    }
}
