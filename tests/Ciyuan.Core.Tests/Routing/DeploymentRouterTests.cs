using Ciyuan.Core.Providers;
using Ciyuan.Core.Routing;
using Ciyuan.Testing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class DeploymentRouterTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Route_UnknownAlias_ReturnsError()
    {
        var router = RoutingFixtures.Router(_time, [RoutingFixtures.State("a", _time)]);

        var result = router.Route(new RouteRequest { Alias = "nope" });

        Assert.Equal(RouteErrorKind.UnknownAlias, result.Error);
        Assert.Contains("'nope'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_LocalOnlyKeyOverHostedAlias_DeniedByPolicy()
    {
        var router = RoutingFixtures.Router(_time, [RoutingFixtures.State("deepseek", _time)]);

        var result = router.Route(new RouteRequest { Alias = "chat", KeyPolicy = "local-only" });

        Assert.Equal(RouteErrorKind.DeniedByPolicy, result.Error);
        Assert.Contains("'local-only'", result.Message, StringComparison.Ordinal);
        Assert.Contains("'chat'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_RequestPolicyHeader_NarrowsToSelfHosted()
    {
        var hosted = RoutingFixtures.State("deepseek", _time);
        var local = RoutingFixtures.State("box", _time, jurisdiction: "self-hosted");
        var router = RoutingFixtures.Router(_time, [hosted, local]);

        var plan = router.Route(new RouteRequest { Alias = "chat", RequestPolicy = "local-only" }).Plan!;

        Assert.Equal([local], plan.Ranked.ToArray());
        Assert.False(plan.Eligible.Contains(hosted));
    }

    [Fact]
    public void Route_NothingFits_ReturnsEveryReason()
    {
        var small = RoutingFixtures.State("small", _time, new DeploymentTraits { ContextWindow = 4096 });
        var plain = RoutingFixtures.State("plain", _time, new DeploymentTraits { Capabilities = RoutingCapabilities.None });
        var router = RoutingFixtures.Router(_time, [small, plain]);

        var result = router.Route(new RouteRequest { Alias = "chat", PromptTokens = 5000, RequiredCapabilities = RoutingCapabilities.Tools });

        Assert.Equal(RouteErrorKind.NoFit, result.Error);
        Assert.Contains("small/m: context window 4096", result.Message, StringComparison.Ordinal);
        Assert.Contains("plain/m: does not support tools", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_AllHeldOrOpen_ReturnsRetryAfterOfEarliest()
    {
        var a = RoutingFixtures.State("a", _time);
        var b = RoutingFixtures.State("b", _time);
        a.RecordStart();
        a.RecordFailure(ProviderFailureKind.RateLimited, TimeSpan.FromSeconds(40));
        b.RecordStart();
        b.RecordFailure(ProviderFailureKind.RateLimited, TimeSpan.FromSeconds(15));
        var router = RoutingFixtures.Router(_time, [a, b]);

        var result = router.Route(new RouteRequest { Alias = "chat" });

        Assert.Equal(RouteErrorKind.NoneAvailable, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(15), result.RetryAfter);
    }

    [Fact]
    public void Explain_ListsEveryCandidateWithReason()
    {
        var cheap = RoutingFixtures.State("cheap", _time, new DeploymentTraits { Price = RoutingFixtures.Price(0.1m, 0.2m) });
        var dear = RoutingFixtures.State("dear", _time, new DeploymentTraits { Price = RoutingFixtures.Price(1m, 2m) });
        var excluded = RoutingFixtures.State("excluded", _time, new DeploymentTraits { Price = RoutingFixtures.Price(0.01m, 0.01m) });
        var tiny = RoutingFixtures.State("tiny", _time, new DeploymentTraits { ContextWindow = 100 });
        var full = RoutingFixtures.State("full", _time, new DeploymentTraits { MaxInFlight = 1 });
        var held = RoutingFixtures.State("held", _time);
        full.RecordStart();
        held.RecordStart();
        held.RecordFailure(ProviderFailureKind.RateLimited, TimeSpan.FromSeconds(30));
        var policies = new PrivacyPolicySet([PrivacyPolicy.Create("no-excluded", excludedProviders: ["excluded"])]);
        var router = RoutingFixtures.Router(_time, [dear, excluded, tiny, full, held, cheap], new AliasRoutingOptions { Strategy = RoutingPolicyNames.Cheapest }, policies);

        var explanation = router.Explain(new RouteRequest { Alias = "chat", KeyPolicy = "no-excluded", PromptTokens = 1000 });

        Assert.Equal(RouteErrorKind.None, explanation.Outcome);
        Assert.Equal(
            [("cheap/m", CandidateStatus.Ranked), ("dear/m", CandidateStatus.Ranked), ("excluded/m", CandidateStatus.ExcludedByPolicy),
             ("tiny/m", CandidateStatus.ExcludedByFit), ("full/m", CandidateStatus.Saturated), ("held/m", CandidateStatus.RetryAfterHold)],
            explanation.Candidates.Select(c => (c.DeploymentId, c.Status)));
        Assert.Equal([1, 2], explanation.Candidates.Where(c => c.Rank is not null).Select(c => c.Rank!.Value));
        Assert.All(explanation.Candidates, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
        var text = explanation.Format();
        Assert.Contains("strategy cheapest", text, StringComparison.Ordinal);
        Assert.Contains("excluded by policy: policy 'no-excluded' excludes provider 'excluded'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ChangesNothing()
    {
        var state = RoutingFixtures.State("a", _time, new DeploymentTraits { MaxInFlight = 1 });
        var router = RoutingFixtures.Router(_time, [state]);

        router.Explain(new RouteRequest { Alias = "chat" });

        Assert.Equal(0, state.InFlight);
        Assert.Equal((0L, 0L), state.WindowTotals());
    }

    [Fact]
    public void Build_SharedDeployment_HasOneStateAndReloadKeepsIt()
    {
        var deployment = RoutingFixtures.Deployment(RoutingFixtures.Provider("deepseek"));
        var models = new[]
        {
            new Ciyuan.Core.Configuration.ModelAliasConfig { Name = "one", Deployments = [deployment] },
            new Ciyuan.Core.Configuration.ModelAliasConfig { Name = "two", Deployments = [deployment] },
        };
        var registry = RoutingPolicyRegistry.CreateDefault();
        var traits = new DeploymentTraits { ContextWindow = 1000 };

        var table = RoutingTable.Build(models, registry, _ => traits, timeProvider: _time);
        var reloaded = RoutingTable.Build(models, registry, _ => traits, timeProvider: _time, previous: table);

        Assert.True(table.TryGetAlias("one", out var one));
        Assert.True(table.TryGetAlias("two", out var two));
        Assert.Same(one.Deployments[0], two.Deployments[0]);
        Assert.True(reloaded.TryGetDeployment(deployment.Id, out var kept));
        Assert.Same(one.Deployments[0], kept);
    }

    [Fact]
    public void Build_ReloadWithNewPrice_NewStateKeepsCircuitEwmaAndInFlight()
    {
        var deployment = RoutingFixtures.Deployment(RoutingFixtures.Provider("deepseek"));
        var models = new[] { new Ciyuan.Core.Configuration.ModelAliasConfig { Name = "chat", Deployments = [deployment] } };
        var registry = RoutingPolicyRegistry.CreateDefault();
        var table = RoutingTable.Build(models, registry, _ => new DeploymentTraits { ContextWindow = 1000 }, timeProvider: _time);
        Assert.True(table.TryGetDeployment(deployment.Id, out var before));

        Assert.True(before.RecordStart());
        before.RecordSuccess(TimeSpan.FromMilliseconds(200), 50);
        Assert.True(before.RecordStart());
        while (before.RecordStart())
        {
            before.RecordFailure(Ciyuan.Core.Providers.ProviderFailureKind.UpstreamError);
        }

        Assert.Equal(CircuitState.Open, before.Circuit);

        var reloaded = RoutingTable.Build(models, registry, _ => new DeploymentTraits { ContextWindow = 2000 }, timeProvider: _time, previous: table);

        Assert.True(reloaded.TryGetDeployment(deployment.Id, out var after));
        Assert.NotSame(before, after);
        Assert.Equal(2000, after.Traits.ContextWindow);
        Assert.Equal(200, after.TimeToFirstTokenMs);
        Assert.Equal(1, after.InFlight);
        Assert.Equal(before.Circuit, after.Circuit);
        Assert.Equal(before.WindowTotals(), after.WindowTotals());

        // The call that started on the old config ends on it, and the new state sees the slot freed.
        before.RecordCancelled();
        Assert.Equal(0, after.InFlight);
    }
}
