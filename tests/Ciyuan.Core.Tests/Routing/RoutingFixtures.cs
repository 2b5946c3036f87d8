using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

/// <summary>Small builders for providers, deployments and states, so each test shows only what matters to it.</summary>
internal static class RoutingFixtures
{
    public static ProviderConfig Provider(string name, string? kind = null, string jurisdiction = "cn") => new()
    {
        Name = name,
        Kind = kind ?? name,
        BaseUrl = new Uri("http://127.0.0.1:1/v1"),
        Jurisdiction = jurisdiction,
        Timeouts = ProviderTimeouts.Default,
    };

    public static ProviderConfig SelfHosted(string name) => Provider(name, "vllm", Jurisdictions.SelfHosted);

    public static DeploymentConfig Deployment(ProviderConfig provider, string model = "m", int weight = 1) => new()
    {
        Id = provider.Name + "/" + model,
        Provider = provider,
        UpstreamModel = model,
        Weight = weight,
    };

    public static FlatPriceQuote Price(decimal input, decimal output, decimal? cacheHit = null, string currency = "USD") =>
        new(new PriceConfig(input, output, cacheHit, null, currency));

    public static DeploymentState State(
        string provider,
        TimeProvider? time = null,
        DeploymentTraits? traits = null,
        string jurisdiction = "cn",
        int weight = 1,
        CircuitBreakerOptions? breaker = null,
        KeyPool? keys = null) =>
        new(Deployment(Provider(provider, jurisdiction: jurisdiction), weight: weight), traits, time, breaker, keys);

    public static RoutingContext Context(
        long prompt = 1000,
        long output = 100,
        int affinityIndex = -1,
        double hit = 0,
        double affineHit = 0.9,
        DateTimeOffset? now = null) =>
        new(now ?? new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), prompt, output, affinityIndex, hit, affineHit);

    /// <summary>Runs a strategy and returns the ranked provider names, best first.</summary>
    public static string[] RankNames(IRoutingPolicy policy, in RoutingContext context, DeploymentState[] candidates)
    {
        var order = new int[candidates.Length];
        var count = policy.Rank(context, candidates, order);
        return [.. order[..count].Select(i => candidates[i].Config.Provider.Name)];
    }

    public static DeploymentRouter Router(
        ManualTimeProvider time,
        IReadOnlyList<DeploymentState> states,
        AliasRoutingOptions? options = null,
        PrivacyPolicySet? policies = null,
        IRandomSource? random = null,
        string alias = "chat")
    {
        var registry = RoutingPolicyRegistry.CreateDefault(new CurrencyConverter(0.14m), random ?? new SeededRandomSource(7));
        options ??= AliasRoutingOptions.Default;
        var route = new AliasRoute(alias, states, registry.Get(options.Strategy), options);
        return new DeploymentRouter(new RoutingTable([route]), policies ?? PrivacyPolicySet.BuiltinOnly, time);
    }
}
