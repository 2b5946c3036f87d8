using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class CacheAffinityTests
{
    private const ulong SharedPrefix = 0x5EED_CAFE_F00D_0001;

    private readonly ManualTimeProvider _time = new();

    [Theory]
    [InlineData(RoutingPolicyNames.Cheapest)]
    [InlineData(RoutingPolicyNames.LeastBusy)]
    [InlineData(RoutingPolicyNames.Weighted)]
    [InlineData(RoutingPolicyNames.Fastest)]
    public void Route_SharedPrefixWhileHealthy_LandsOnOneDeployment(string strategy)
    {
        var states = ThreeDeployments();
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = strategy });

        var firsts = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var plan = router.Route(Request()).Plan!;
            firsts.Add(plan.Ranked[0].Id);
            Assert.Equal(plan.Affine, plan.Ranked[0]);
        }

        Assert.Single(firsts);
    }

    [Fact]
    public void Route_AffineDeploymentFails_MovesAndOthersStay()
    {
        var states = ThreeDeployments();
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = RoutingPolicyNames.Cheapest });
        var affine = router.Route(Request()).Plan!.Affine!;

        OpenCircuit(affine);
        var moved = router.Route(Request()).Plan!;

        Assert.NotEqual(affine, moved.Ranked[0]);
        Assert.Equal(moved.Affine, moved.Ranked[0]);
        Assert.DoesNotContain(affine, moved.Ranked.ToArray());

        // Rendezvous hashing: the new home is the one that was second for this key, and stays put.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(moved.Ranked[0], router.Route(Request()).Plan!.Ranked[0]);
        }
    }

    [Fact]
    public void Route_AffineDeploymentSaturated_MovesUntilItHasRoomAgain()
    {
        var states = ThreeDeployments(maxInFlight: 2);
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = RoutingPolicyNames.LeastBusy });
        var affine = router.Route(Request()).Plan!.Affine!;
        Assert.True(affine.RecordStart());
        Assert.True(affine.RecordStart());

        var whileFull = router.Route(Request()).Plan!;
        affine.RecordCancelled();
        var afterwards = router.Route(Request()).Plan!;

        Assert.NotEqual(affine, whileFull.Ranked[0]);
        Assert.Equal(affine, afterwards.Ranked[0]);
    }

    [Fact]
    public void Route_ManyPrefixes_SpreadOverDeployments()
    {
        var states = ThreeDeployments();
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = RoutingPolicyNames.Cheapest });
        var used = new HashSet<string>();

        for (ulong prefix = 1; prefix <= 60; prefix++)
        {
            used.Add(router.Route(Request() with { AffinityKey = prefix * 0x9E3779B97F4A7C15UL }).Plan!.Ranked[0].Id);
        }

        Assert.Equal(3, used.Count);
    }

    [Fact]
    public void Explain_Cheapest_ShowsCacheHitLikelihoodOfAffineDeployment()
    {
        var states = ThreeDeployments();
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = RoutingPolicyNames.Cheapest });

        var explanation = router.Explain(Request());

        Assert.NotNull(explanation.AffineDeploymentId);
        var first = explanation.Candidates[0];
        Assert.Equal(explanation.AffineDeploymentId, first.DeploymentId);
        Assert.Contains("cache-hit likelihood 90%", first.Reason, StringComparison.Ordinal);
        Assert.Contains("cache-hit likelihood 0%", explanation.Candidates[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_AffinityDisabled_IgnoresKey()
    {
        var states = ThreeDeployments();
        var router = RoutingFixtures.Router(_time, states, new AliasRoutingOptions { Strategy = RoutingPolicyNames.Ordered, CacheAffinity = false });

        var plan = router.Route(Request()).Plan!;

        Assert.Null(plan.Affine);
        Assert.Equal(states[0], plan.Ranked[0]);
    }

    private static RouteRequest Request() => new() { Alias = "chat", PromptTokens = 40_000, AffinityKey = SharedPrefix };

    private List<DeploymentState> ThreeDeployments(int maxInFlight = 0)
    {
        // Identical list prices: only the cache-hit likelihood separates them for `cheapest`.
        var traits = new DeploymentTraits { Price = RoutingFixtures.Price(1m, 2m, cacheHit: 0.1m), MaxInFlight = maxInFlight };
        return [RoutingFixtures.State("a", _time, traits), RoutingFixtures.State("b", _time, traits), RoutingFixtures.State("c", _time, traits)];
    }

    private static void OpenCircuit(DeploymentState state)
    {
        while (state.Circuit != CircuitState.Open)
        {
            Assert.True(state.RecordStart());
            state.RecordFailure(ProviderFailureKind.Unreachable);
        }
    }
}
