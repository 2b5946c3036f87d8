using Ciyuan.Core.Canonical;
using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;

namespace Ciyuan.Core.Tests.Providers;

/// <summary>Which endpoint serves a request, and where a provider's Messages requests may go at all.</summary>
public sealed class ProviderEndpointsTests
{
    private static ProviderConfig Provider(string yaml)
    {
        var config = new ConfigLoader(CatalogProviderDefaults.Builtin, static name => name.EndsWith("_API_KEY", StringComparison.Ordinal) ? "key" : null).Parse($"""
            providers:
              p:
            {yaml}
            """, "test.yaml");
        return config.Providers["p"];
    }

    [Fact]
    public void Parse_HostedVendorWithCatalogHosts_KeepsTheCatalogMessagesHost()
    {
        var provider = Provider("    kind: deepseek");

        Assert.Equal(new Uri("https://api.deepseek.com/anthropic"), provider.AnthropicBaseUrl);
        Assert.Equal(UpstreamEndpoint.Messages, ProviderEndpoints.For(provider, Dialect.Anthropic));
    }

    [Theory]
    [InlineData("deepseek")]
    [InlineData("dashscope")]
    [InlineData("minimax")]
    public void Parse_HostedVendorWithOverriddenBaseUrl_NeverFallsBackToTheCatalogMessagesHost(string kind)
    {
        var provider = Provider($"""
                kind: {kind}
                base_url: https://proxy.internal/v1
            """);

        Assert.Null(provider.AnthropicBaseUrl);
        Assert.Equal(UpstreamEndpoint.OpenAI, ProviderEndpoints.For(provider, Dialect.Anthropic));
    }

    [Fact]
    public void Parse_OverriddenBaseUrlWithAnthropicBaseUrl_UsesTheConfiguredMessagesHost()
    {
        var provider = Provider("""
                kind: deepseek
                base_url: https://proxy.internal/v1
                anthropic_base_url: https://proxy.internal/anthropic
            """);

        Assert.Equal(new Uri("https://proxy.internal/anthropic/v1/messages"), ProviderEndpoints.RouteUri(provider, UpstreamEndpoint.Messages, "v1/messages"));
    }

    [Fact]
    public void Parse_AnthropicKindWithOnlyBaseUrl_SendsMessagesToThatBase()
    {
        var provider = Provider("""
                kind: anthropic
                base_url: https://claude-proxy.internal
            """);

        Assert.Equal(new Uri("https://claude-proxy.internal/v1/messages"), ProviderEndpoints.RouteUri(provider, UpstreamEndpoint.Messages, "v1/messages"));
        Assert.Equal(UpstreamEndpoint.Messages, ProviderEndpoints.For(provider, Dialect.OpenAI));
    }

    [Fact]
    public void RouteUri_MessagesBaseEndingInV1_DoesNotRepeatIt()
    {
        var provider = Provider("""
                kind: anthropic
                base_url: https://claude-proxy.internal/v1
            """);

        Assert.Equal(new Uri("https://claude-proxy.internal/v1/messages"), ProviderEndpoints.RouteUri(provider, UpstreamEndpoint.Messages, "v1/messages"));
    }

    [Fact]
    public void For_OpenAIDoorAtAnOpenAIDialectVendor_UsesItsOpenAIEndpoint()
    {
        Assert.Equal(UpstreamEndpoint.OpenAI, ProviderEndpoints.For(Provider("    kind: deepseek"), Dialect.OpenAI));
    }
}
