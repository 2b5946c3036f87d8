using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

/// <summary>Ranking runs on every request: it must not allocate, whatever the strategy and size.</summary>
public sealed class RankingAllocationTests
{
    [Theory]
    [InlineData(RoutingPolicyNames.Ordered, 100)]
    [InlineData(RoutingPolicyNames.Cheapest, 1)]
    [InlineData(RoutingPolicyNames.Cheapest, 10)]
    [InlineData(RoutingPolicyNames.Cheapest, 100)]
    [InlineData(RoutingPolicyNames.Fastest, 100)]
    [InlineData(RoutingPolicyNames.Weighted, 100)]
    [InlineData(RoutingPolicyNames.LeastBusy, 100)]
    public void Rank_WarmedUp_AllocatesNothing(string strategy, int count)
    {
        var policy = RoutingPolicyRegistry.CreateDefault(CurrencyConverter.Default, new SeededRandomSource(1)).Get(strategy);
        var candidates = Enumerable.Range(0, count)
            .Select(i => RoutingFixtures.State("p" + i, traits: new DeploymentTraits { Price = RoutingFixtures.Price(i % 3, i % 5, 0.01m, i % 2 == 0 ? "CNY" : "USD") }))
            .ToArray();
        var order = new int[count];
        var context = RoutingFixtures.Context(affinityIndex: count / 2);
        policy.Rank(context, candidates, order);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            policy.Rank(context, candidates, order);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
