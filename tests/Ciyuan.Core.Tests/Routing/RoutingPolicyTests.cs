using Ciyuan.Core.Catalog;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class RoutingPolicyTests
{
    private static readonly CurrencyConverter Rates = new(0.14m);

    [Fact]
    public void Rank_Ordered_KeepsConfiguredOrderAndIgnoresAffinity()
    {
        DeploymentState[] candidates = [RoutingFixtures.State("a"), RoutingFixtures.State("b"), RoutingFixtures.State("c")];

        var names = RoutingFixtures.RankNames(new OrderedRoutingPolicy(), RoutingFixtures.Context(affinityIndex: 2), candidates);

        Assert.Equal(["a", "b", "c"], names);
    }

    [Fact]
    public void Rank_Cheapest_OrdersByExpectedCostWithUnknownPriceLast()
    {
        DeploymentState[] candidates =
        [
            RoutingFixtures.State("unknown"),
            RoutingFixtures.State("dear", traits: new DeploymentTraits { Price = RoutingFixtures.Price(2m, 8m) }),
            RoutingFixtures.State("cheap", traits: new DeploymentTraits { Price = RoutingFixtures.Price(0.5m, 1m) }),
        ];

        var names = RoutingFixtures.RankNames(new CheapestRoutingPolicy(Rates), RoutingFixtures.Context(), candidates);

        Assert.Equal(["cheap", "dear", "unknown"], names);
    }

    [Fact]
    public void ExpectedCostUsdMicros_MixesCacheHitAndMissPrices()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { Price = RoutingFixtures.Price(1m, 4m, cacheHit: 0.1m) });
        var context = RoutingFixtures.Context(prompt: 1_000_000, output: 1_000_000, affinityIndex: -1, hit: 0.25);

        var micros = new CheapestRoutingPolicy(Rates).ExpectedCostUsdMicros(context, state, 0);

        // 1M × (0.25 × 0.1 + 0.75 × 1) + 1M × 4 = 0.775 + 4 USD.
        Assert.Equal(4_775_000, micros, 3);
    }

    [Fact]
    public void Rank_CheapestAcrossCurrencies_ConvertsCnyWithConfiguredRate()
    {
        // 10 CNY at 0.14 is 1.40 USD, dearer than 1.20 USD; at 0.10 it is 1.00 USD, cheaper.
        DeploymentState[] candidates =
        [
            RoutingFixtures.State("cny", traits: new DeploymentTraits { Price = RoutingFixtures.Price(10m, 10m, currency: "CNY") }),
            RoutingFixtures.State("usd", traits: new DeploymentTraits { Price = RoutingFixtures.Price(1.2m, 1.2m) }),
        ];

        Assert.Equal(["usd", "cny"], RoutingFixtures.RankNames(new CheapestRoutingPolicy(new CurrencyConverter(0.14m)), RoutingFixtures.Context(), candidates));
        Assert.Equal(["cny", "usd"], RoutingFixtures.RankNames(new CheapestRoutingPolicy(new CurrencyConverter(0.10m)), RoutingFixtures.Context(), candidates));
    }

    [Fact]
    public void Rank_CheapestWithDeepSeekOffPeak_PrefersDeepSeekOnlyOffPeak()
    {
        var deepSeek = ModelCatalog.Builtin.FindModel("deepseek", "deepseek-flash")!.Price!;
        DeploymentState[] candidates =
        [
            RoutingFixtures.State("other", traits: new DeploymentTraits { Price = RoutingFixtures.Price(0.20m, 0.80m) }),
            RoutingFixtures.State("deepseek", traits: new DeploymentTraits { Price = deepSeek }),
        ];
        var policy = new CheapestRoutingPolicy(Rates);
        var peak = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);     // Monday 10:00 Beijing
        var offPeak = new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);  // Saturday

        Assert.Equal(["other", "deepseek"], RoutingFixtures.RankNames(policy, RoutingFixtures.Context(now: peak), candidates));
        Assert.Equal(["deepseek", "other"], RoutingFixtures.RankNames(policy, RoutingFixtures.Context(now: offPeak), candidates));
    }

    [Fact]
    public void Rank_CheapestAffineDeployment_WinsThroughCacheHitPrice()
    {
        // Same list prices; the affine one expects 90% cache hits at a tenth of the input price.
        DeploymentState[] candidates =
        [
            RoutingFixtures.State("a", traits: new DeploymentTraits { Price = RoutingFixtures.Price(1m, 2m, cacheHit: 0.1m) }),
            RoutingFixtures.State("b", traits: new DeploymentTraits { Price = RoutingFixtures.Price(1m, 2m, cacheHit: 0.1m) }),
            RoutingFixtures.State("c", traits: new DeploymentTraits { Price = RoutingFixtures.Price(0.8m, 2m, cacheHit: 0.1m) }),
        ];

        var names = RoutingFixtures.RankNames(new CheapestRoutingPolicy(Rates), RoutingFixtures.Context(prompt: 50_000, affinityIndex: 1), candidates);

        Assert.Equal(["b", "c", "a"], names);
    }

    [Fact]
    public void Rank_CheapestAffineButMuchDearer_DoesNotWin()
    {
        DeploymentState[] candidates =
        [
            RoutingFixtures.State("cheap", traits: new DeploymentTraits { Price = RoutingFixtures.Price(0.1m, 0.2m) }),
            RoutingFixtures.State("dear", traits: new DeploymentTraits { Price = RoutingFixtures.Price(5m, 20m, cacheHit: 0.5m) }),
        ];

        var names = RoutingFixtures.RankNames(new CheapestRoutingPolicy(Rates), RoutingFixtures.Context(affinityIndex: 1), candidates);

        Assert.Equal(["cheap", "dear"], names);
    }

    [Fact]
    public void Rank_Fastest_ExploresUnmeasuredThenOrdersByExpectedDuration()
    {
        var slow = Measured("slow", ttftMs: 900, tokensPerSecond: 50);
        var quickStart = Measured("quick-start", ttftMs: 100, tokensPerSecond: 10);
        var fast = Measured("fast", ttftMs: 300, tokensPerSecond: 100);
        var fresh = RoutingFixtures.State("fresh");

        // 100 output tokens: slow 900+2000, quick-start 100+10000, fast 300+1000.
        var names = RoutingFixtures.RankNames(new FastestRoutingPolicy(), RoutingFixtures.Context(output: 100), [slow, quickStart, fast, fresh]);

        Assert.Equal(["fresh", "fast", "slow", "quick-start"], names);
    }

    [Fact]
    public void Rank_FastestUnmeasuredWithProbeInFlight_RanksItLast()
    {
        var fresh = RoutingFixtures.State("fresh");
        Assert.True(fresh.RecordStart());
        var measured = Measured("measured", ttftMs: 5000, tokensPerSecond: 1);

        var names = RoutingFixtures.RankNames(new FastestRoutingPolicy(), RoutingFixtures.Context(), [fresh, measured]);

        Assert.Equal(["measured", "fresh"], names);
    }

    [Fact]
    public void Rank_WeightedSeeded_IsReproducible()
    {
        DeploymentState[] candidates = [RoutingFixtures.State("a", weight: 1), RoutingFixtures.State("b", weight: 3), RoutingFixtures.State("c", weight: 0)];

        var first = RoutingFixtures.RankNames(new WeightedRoutingPolicy(new SeededRandomSource(42)), RoutingFixtures.Context(), candidates);
        var second = RoutingFixtures.RankNames(new WeightedRoutingPolicy(new SeededRandomSource(42)), RoutingFixtures.Context(), candidates);

        Assert.Equal(first, second);
        Assert.Equal("c", first[2]);
    }

    [Fact]
    public void Rank_Weighted_FirstPlaceFollowsWeights()
    {
        DeploymentState[] candidates = [RoutingFixtures.State("a", weight: 1), RoutingFixtures.State("b", weight: 3)];
        var policy = new WeightedRoutingPolicy(new SeededRandomSource(1));
        var order = new int[2];
        var firstB = 0;

        for (var i = 0; i < 4000; i++)
        {
            policy.Rank(RoutingFixtures.Context(), candidates, order);
            firstB += order[0] == 1 ? 1 : 0;
        }

        // Expected 3000 of 4000; the bound is many standard deviations (≈27) wide.
        Assert.InRange(firstB, 2800, 3200);
    }

    [Fact]
    public void Rank_LeastBusy_OrdersByInFlight()
    {
        var busy = RoutingFixtures.State("busy");
        var idle = RoutingFixtures.State("idle");
        var some = RoutingFixtures.State("some");
        for (var i = 0; i < 5; i++)
        {
            busy.RecordStart();
        }

        some.RecordStart();

        var names = RoutingFixtures.RankNames(new LeastBusyRoutingPolicy(new SeededRandomSource(3)), RoutingFixtures.Context(), [busy, some, idle]);

        Assert.Equal(["idle", "some", "busy"], names);
    }

    [Fact]
    public void Rank_LeastBusyTies_SpreadAcrossIdleDeployments()
    {
        DeploymentState[] candidates = [RoutingFixtures.State("a"), RoutingFixtures.State("b"), RoutingFixtures.State("c")];
        var policy = new LeastBusyRoutingPolicy(new SeededRandomSource(5));
        var firsts = new int[3];
        var order = new int[3];

        for (var i = 0; i < 300; i++)
        {
            policy.Rank(RoutingFixtures.Context(), candidates, order);
            firsts[order[0]]++;
        }

        Assert.All(firsts, count => Assert.InRange(count, 50, 150));
    }

    [Theory]
    [InlineData(RoutingPolicyNames.Fastest)]
    [InlineData(RoutingPolicyNames.Weighted)]
    [InlineData(RoutingPolicyNames.LeastBusy)]
    public void Rank_WithAffinity_PutsAffineDeploymentFirst(string name)
    {
        var policy = RoutingPolicyRegistry.CreateDefault(Rates, new SeededRandomSource(9)).Get(name);
        DeploymentState[] candidates = [RoutingFixtures.State("a"), RoutingFixtures.State("b"), RoutingFixtures.State("c")];

        var names = RoutingFixtures.RankNames(policy, RoutingFixtures.Context(affinityIndex: 2), candidates);

        Assert.Equal("c", names[0]);
    }

    [Theory]
    [InlineData(RoutingPolicyNames.Ordered)]
    [InlineData(RoutingPolicyNames.Cheapest)]
    [InlineData(RoutingPolicyNames.Fastest)]
    [InlineData(RoutingPolicyNames.Weighted)]
    [InlineData(RoutingPolicyNames.LeastBusy)]
    public void Rank_ManyCandidates_WritesAPermutation(string name)
    {
        var policy = RoutingPolicyRegistry.CreateDefault(Rates, new SeededRandomSource(11)).Get(name);
        var candidates = Enumerable.Range(0, 300)
            .Select(i => RoutingFixtures.State("p" + i, traits: new DeploymentTraits { Price = RoutingFixtures.Price(i % 7, i % 5) }, weight: i % 4))
            .ToArray();
        var order = new int[candidates.Length];

        var count = policy.Rank(RoutingFixtures.Context(affinityIndex: 17), candidates, order);

        Assert.Equal(candidates.Length, count);
        Assert.Equal(Enumerable.Range(0, candidates.Length), order.Order());
    }

    [Fact]
    public void Rank_OrderSpanTooShort_Throws()
    {
        DeploymentState[] candidates = [RoutingFixtures.State("a"), RoutingFixtures.State("b")];

        Assert.Throws<ArgumentException>(() => new OrderedRoutingPolicy().Rank(RoutingFixtures.Context(), candidates, new int[1]));
    }

    [Fact]
    public void Get_UnknownName_ListsValidNames()
    {
        var registry = RoutingPolicyRegistry.CreateDefault();

        var error = Assert.Throws<KeyNotFoundException>(() => registry.Get("random"));

        Assert.Contains("cheapest, fastest, least-busy, ordered, weighted", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, registry.Names.Count);
        Assert.True(registry.TryGet("Least-Busy", out _));
    }

    private static DeploymentState Measured(string name, double ttftMs, double tokensPerSecond)
    {
        var state = RoutingFixtures.State(name);
        state.RecordStart();
        state.RecordSuccess(TimeSpan.FromMilliseconds(ttftMs), tokensPerSecond);
        return state;
    }
}
