using Ciyuan.Core.Configuration;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Providers.Tests.Profiles;

public sealed class ProviderProfilesTests
{
    [Fact]
    public void For_EveryConfiguredKind_HasABuiltInProfile()
    {
        var builtIn = ProviderProfiles.Kinds.Select(profile => profile.Kind).ToHashSet(StringComparer.Ordinal);

        Assert.All(ProviderKinds.All, kind => Assert.Contains(kind, builtIn));
        Assert.All(ProviderKinds.All, kind => Assert.Equal(kind, ProviderProfiles.For(kind, "any-model").Kind));
    }

    [Fact]
    public void For_SelfHostedKinds_HaveNoRequestRules()
    {
        Assert.All(ProviderKinds.SelfHosted, kind => Assert.False(ProviderProfiles.For(kind, "m").HasRequestRules));
    }

    [Fact]
    public void For_UnknownKind_IsRuleFreeProfileOfThatKind()
    {
        var profile = ProviderProfiles.For("newvendor", "m");

        Assert.Equal("newvendor", profile.Kind);
        Assert.False(profile.HasRequestRules);
    }

    [Theory]
    [InlineData("moonshot", "kimi-k3", 1.0)]
    [InlineData("moonshot", "kimi-k3.1-pro-highspeed", 1.0)]
    public void For_KimiK3_PinsTemperature(string kind, string model, double temperature)
    {
        Assert.Equal(temperature, ProviderProfiles.For(kind, model).FixedParameters["temperature"]);
    }

    [Theory]
    [InlineData("kimi-k2.5", "max_tokens")]
    [InlineData("kimi-k2.6", "max_completion_tokens")]
    [InlineData("kimi-k2.7-code-highspeed", "max_completion_tokens")]
    [InlineData("moonshot-v1-8k", "max_tokens")]
    public void For_KimiModels_UseDocumentedMaxTokensField(string model, string field)
    {
        Assert.Equal(field, ProviderProfiles.For("moonshot", model).MaxTokensField);
    }

    [Theory]
    [InlineData("qwen3-32b", true)]
    [InlineData("qwen3-235b-a22b-instruct-2507", true)]
    [InlineData("qwen3.5-plus", false)]
    [InlineData("qwen3-max", false)]
    public void For_QwenModels_NonStreamThinkingRuleOnlyForOpenWeights(string model, bool expected)
    {
        Assert.Equal(expected, ProviderProfiles.For("dashscope", model).NonStreamThinkingMustBeOff);
    }

    [Theory]
    [InlineData("zhipu")]
    [InlineData("zai")]
    public void For_Glm53OnBothGlmKinds_KeepsKindAndAlwaysThinks(string kind)
    {
        var profile = ProviderProfiles.For(kind, "glm-5.3");

        Assert.Equal(kind, profile.Kind);
        Assert.True(profile.ThinkingAlwaysOn);
        Assert.False(profile.AcceptsStreamOptions);
    }

    [Theory]
    [InlineData("MiniMax-M2.7", ReasoningFields.ThinkTags)]
    [InlineData("MiniMax-M3.1-Flash-Preview", ReasoningFields.ReasoningContent)]
    public void For_MiniMaxModels_ReasoningWhereTheModelPutsIt(string model, string field)
    {
        Assert.Equal(field, ProviderProfiles.For("minimax", model).ReasoningField);
    }

    [Theory]
    [InlineData("deepseek", true)]
    [InlineData("moonshot", true)]
    [InlineData("minimax", true)]
    [InlineData("dashscope", false)]
    [InlineData("zhipu", false)]
    public void For_Vendors_RequireReplayPerSpec(string kind, bool expected)
    {
        Assert.Equal(expected, ProviderProfiles.For(kind, "m").RequiresReasoningReplay);
    }
}
