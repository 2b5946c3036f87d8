using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class FitFilterTests
{
    [Fact]
    public void Refusal_PromptPlusOutputOverWindow_SaysWhy()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { ContextWindow = 8192 });

        Assert.Null(FitFilter.Refusal(state, 8000, 192, RoutingCapabilities.None));
        Assert.Equal(
            "context window 8192 tokens cannot hold 8000 prompt + 193 output tokens",
            FitFilter.Refusal(state, 8000, 193, RoutingCapabilities.None));
    }

    [Fact]
    public void Refusal_OutputOverCap_SaysWhy()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { MaxOutputTokens = 4096 });

        Assert.Contains("at most 4096 output tokens", FitFilter.Refusal(state, 10, 8000, RoutingCapabilities.None), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_MissingCapabilities_NamesThem()
    {
        var state = RoutingFixtures.State("a", traits: new DeploymentTraits { Capabilities = RoutingCapabilities.Tools });

        Assert.Equal(
            "does not support image input, reasoning, JSON mode",
            FitFilter.Refusal(state, 10, null, RoutingCapabilities.All));
        Assert.True(FitFilter.Fits(state, 10, null, RoutingCapabilities.Tools));
    }

    [Fact]
    public void Fits_UnknownFacts_NeverExclude()
    {
        var state = RoutingFixtures.State("a");

        Assert.True(FitFilter.Fits(state, 10_000_000, 1_000_000, RoutingCapabilities.All));
    }
}
