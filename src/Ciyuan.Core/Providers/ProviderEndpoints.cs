using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Providers;

/// <summary>
/// Which endpoint of a provider serves a request arriving at a given front door. One rule for the
/// handlers (what to send) and for routing (whose health to read), so they never disagree.
/// </summary>
public static class ProviderEndpoints
{
    /// <summary>
    /// An Anthropic-door request goes to the provider's Messages endpoint when it has one (passed
    /// through), else to its OpenAI-dialect endpoint (translated). An OpenAI-door request goes to the
    /// OpenAI-dialect endpoint, except at <c>kind: anthropic</c>, which has only Messages.
    /// </summary>
    public static UpstreamEndpoint For(ProviderConfig provider, Dialect door)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Kind == ProviderKinds.Anthropic)
        {
            return UpstreamEndpoint.Messages;
        }

        return door == Dialect.Anthropic && provider.AnthropicBaseUrl is not null ? UpstreamEndpoint.Messages : UpstreamEndpoint.OpenAI;
    }

    /// <summary>
    /// The URL of <paramref name="route"/> on an endpoint. Messages routes are written with their
    /// <c>v1/</c> prefix (<c>v1/messages</c>), as Anthropic's SDKs append them to a base such as
    /// <c>https://api.anthropic.com</c>; a base that already ends in <c>/v1</c> does not get a second one.
    /// </summary>
    public static Uri RouteUri(ProviderConfig provider, UpstreamEndpoint endpoint, string route)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(route);
        var root = endpoint == UpstreamEndpoint.Messages
            ? provider.AnthropicBaseUrl ?? throw new InvalidOperationException($"provider '{provider.Name}' has no Messages endpoint")
            : provider.BaseUrl;
        var text = root.AbsoluteUri.TrimEnd('/');
        if (endpoint == UpstreamEndpoint.Messages && route.StartsWith("v1/", StringComparison.Ordinal)
            && text.EndsWith("/v1", StringComparison.Ordinal))
        {
            route = route[3..];
        }

        return new Uri(text + "/" + route);
    }
}
