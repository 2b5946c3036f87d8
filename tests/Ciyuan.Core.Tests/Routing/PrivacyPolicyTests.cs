using Ciyuan.Core.Configuration;
using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class PrivacyPolicyTests
{
    private static readonly DeploymentConfig HostedCn = RoutingFixtures.Deployment(RoutingFixtures.Provider("deepseek", jurisdiction: "cn"));
    private static readonly DeploymentConfig HostedSg = RoutingFixtures.Deployment(RoutingFixtures.Provider("dashscope-intl", "dashscope", "sg"));
    private static readonly DeploymentConfig Local = RoutingFixtures.Deployment(RoutingFixtures.SelfHosted("gpu-box"));

    [Fact]
    public void Admits_LocalOnly_AdmitsOnlySelfHosted()
    {
        Assert.True(PrivacyPolicy.LocalOnly.Admits(Local));
        Assert.False(PrivacyPolicy.LocalOnly.Admits(HostedCn));
        Assert.Contains("only self-hosted", PrivacyPolicy.LocalOnly.Refusal(HostedSg), StringComparison.Ordinal);
    }

    [Fact]
    public void Admits_AllowedJurisdictions_IgnoresCase()
    {
        var policy = PrivacyPolicy.Create("no-cn", allowedJurisdictions: ["SG", Jurisdictions.SelfHosted]);

        Assert.True(policy.Admits(HostedSg));
        Assert.True(policy.Admits(Local));
        Assert.Contains("jurisdiction 'cn'", policy.Refusal(HostedCn), StringComparison.Ordinal);
    }

    [Fact]
    public void Admits_ExcludedProviders_MatchNameOrKind()
    {
        var byKind = PrivacyPolicy.Create("no-dashscope", excludedProviders: ["dashscope"]);
        var byName = PrivacyPolicy.Create("no-deepseek", excludedProviders: ["deepseek"]);

        Assert.False(byKind.Admits(HostedSg));
        Assert.True(byKind.Admits(HostedCn));
        Assert.False(byName.Admits(HostedCn));
    }

    [Fact]
    public void Admits_AllowedProviders_RefusesOthers()
    {
        var policy = PrivacyPolicy.Create("only-box", allowedProviders: ["gpu-box"]);

        Assert.True(policy.Admits(Local));
        Assert.False(policy.Admits(HostedCn));
    }

    [Fact]
    public void Tighten_NeverAdmitsWhatEitherRefuses()
    {
        PrivacyPolicy[] policies =
        [
            PrivacyPolicy.Unrestricted,
            PrivacyPolicy.LocalOnly,
            PrivacyPolicy.Create("sg", allowedJurisdictions: ["sg", Jurisdictions.SelfHosted]),
            PrivacyPolicy.Create("cn", allowedJurisdictions: ["cn"]),
            PrivacyPolicy.Create("no-deepseek", excludedProviders: ["deepseek"]),
            PrivacyPolicy.Create("box", allowedProviders: ["gpu-box", "deepseek"]),
        ];

        foreach (var key in policies)
        {
            foreach (var request in policies)
            {
                var combined = key.Tighten(request);
                foreach (var deployment in new[] { HostedCn, HostedSg, Local })
                {
                    Assert.Equal(key.Admits(deployment) && request.Admits(deployment), combined.Admits(deployment));
                }
            }
        }
    }

    [Fact]
    public void Resolve_RequestPolicyWiderThanKey_StaysNarrow()
    {
        var set = new PrivacyPolicySet([PrivacyPolicy.Create("open")]);

        var resolution = set.Resolve("local-only", "open");

        Assert.True(resolution.Succeeded);
        Assert.False(resolution.Policy!.Admits(HostedCn));
        Assert.True(resolution.Policy.Admits(Local));
    }

    [Fact]
    public void Resolve_UnknownRequestPolicy_FailsClosed()
    {
        var resolution = PrivacyPolicySet.BuiltinOnly.Resolve(null, "nope");

        Assert.False(resolution.Succeeded);
        Assert.Contains("'nope'", resolution.Error, StringComparison.Ordinal);
        Assert.Contains("local-only", resolution.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownKeyPolicy_FailsClosed()
    {
        var resolution = PrivacyPolicySet.BuiltinOnly.Resolve("gone", null);

        Assert.False(resolution.Succeeded);
        Assert.Contains("'gone'", resolution.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoPolicies_IsUnrestricted()
    {
        var resolution = PrivacyPolicySet.BuiltinOnly.Resolve(null, null);

        Assert.Same(PrivacyPolicy.Unrestricted, resolution.Policy);
    }

    [Fact]
    public void Filter_KeepsAdmittedInConfiguredOrder()
    {
        DeploymentState[] states = [new(HostedCn), new(Local), new(HostedSg)];

        var eligible = EligibleDeployments.Filter(PrivacyPolicy.Create("p", allowedJurisdictions: ["sg", Jurisdictions.SelfHosted]), states);

        Assert.Equal([states[1], states[2]], eligible.AsSpan().ToArray());
        Assert.False(eligible.Contains(states[0]));
    }

    [Fact]
    public void Validate_UnsatisfiablePair_ReportsPolicyAndAlias()
    {
        var models = new[]
        {
            new ModelAliasConfig { Name = "hosted-only", Deployments = [HostedCn, HostedSg] },
            new ModelAliasConfig { Name = "mixed", Deployments = [HostedCn, Local] },
        };
        var set = new PrivacyPolicySet([PrivacyPolicy.Create("no-cn", allowedJurisdictions: ["sg"])]);

        var violations = PrivacyPolicyValidator.Validate(set, ["local-only", "no-cn", "local-only"], models);

        var violation = Assert.Single(violations, v => v.PolicyName == "local-only");
        Assert.Equal("hosted-only", violation.Alias);
        Assert.Contains("'local-only'", violation.Message, StringComparison.Ordinal);
        Assert.Contains("'hosted-only'", violation.Message, StringComparison.Ordinal);
        Assert.Equal("mixed", Assert.Single(violations, v => v.PolicyName == "no-cn").Alias);
    }

    [Fact]
    public void ThrowIfUndefined_UndefinedKeyPolicy_ThrowsConfigException()
    {
        var error = Assert.Throws<ConfigException>(() => PrivacyPolicyValidator.ThrowIfUndefined(PrivacyPolicySet.BuiltinOnly, ["eu-only"], []));

        Assert.Contains("'eu-only'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfUndefined_PairNeverSatisfied_IsReturnedNotThrown()
    {
        var models = new[] { new ModelAliasConfig { Name = "hosted-only", Deployments = [HostedCn] } };

        var violations = PrivacyPolicyValidator.ThrowIfUndefined(PrivacyPolicySet.BuiltinOnly, ["local-only"], models);

        var violation = Assert.Single(violations);
        Assert.False(violation.IsUndefinedPolicy);
        Assert.Equal("hosted-only", violation.Alias);
    }
}
