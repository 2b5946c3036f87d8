using BenchmarkDotNet.Attributes;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;

namespace Ciyuan.Benchmarks.Routing;

/// <summary>
/// One ranking per request, for every strategy, over 1, 10 and 100 deployments. Ranking runs on
/// every request, so the allocated-bytes column must read 0 (scores live on the stack).
/// </summary>
[MemoryDiagnoser]
public class RankingBenchmarks
{
    private DeploymentState[] _candidates = [];
    private int[] _order = [];
    private IRoutingPolicy _policy = null!;
    private RoutingContext _context;

    [Params(1, 10, 100)]
    public int Deployments { get; set; }

    [Params(RoutingPolicyNames.Ordered, RoutingPolicyNames.Cheapest, RoutingPolicyNames.Fastest, RoutingPolicyNames.Weighted, RoutingPolicyNames.LeastBusy)]
    public string Strategy { get; set; } = RoutingPolicyNames.Ordered;

    [GlobalSetup]
    public void Setup()
    {
        _policy = RoutingPolicyRegistry.CreateDefault(CurrencyConverter.Default, new SeededRandomSource(1)).Get(Strategy);
        _candidates = new DeploymentState[Deployments];
        for (var i = 0; i < Deployments; i++)
        {
            var provider = new ProviderConfig
            {
                Name = "p" + i,
                Kind = "openai-compatible",
                BaseUrl = new Uri("http://127.0.0.1:8000/v1"),
                Jurisdiction = i % 2 == 0 ? "cn" : Jurisdictions.SelfHosted,
                Timeouts = ProviderTimeouts.Default,
            };
            var config = new DeploymentConfig { Id = provider.Name + "/m", Provider = provider, UpstreamModel = "m", Weight = 1 + (i % 3) };
            var price = new FlatPriceQuote(new PriceConfig(0.1m * (i % 7), 0.4m * (i % 5), 0.01m, null, i % 3 == 0 ? "CNY" : "USD"));
            var state = new DeploymentState(config, new DeploymentTraits { Price = price });

            // Half the deployments measured, some with calls in flight, as in a running gateway.
            if (i % 2 == 0)
            {
                state.RecordStart();
                state.RecordSuccess(TimeSpan.FromMilliseconds(100 + (i * 13 % 400)), 20 + (i % 50));
            }

            for (var j = 0; j < i % 4; j++)
            {
                state.RecordStart();
            }

            _candidates[i] = state;
        }

        _order = new int[Deployments];
        _context = new RoutingContext(DateTimeOffset.UtcNow, 20_000, 500, Deployments / 2, 0.1, 0.9);
    }

    [Benchmark(Description = "rank candidates")]
    public int Rank() => _policy.Rank(_context, _candidates, _order);
}
