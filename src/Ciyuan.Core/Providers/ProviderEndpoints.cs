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
    /// through), else to its OpenAI-dialect endpoint (translated). A Responses-door request goes to
    /// the provider's Responses endpoint when it has one (passed through), else it is translated to
    /// the OpenAI-dialect endpoint. An OpenAI-door request goes to the OpenAI-dialect endpoint.
    /// <c>kind: anthropic</c> has only Messages, whatever the door.
    /// </summary>
    public static UpstreamEndpoint For(ProviderConfig provider, Dialect door)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Kind == ProviderKinds.Anthropic)
        {
            return UpstreamEndpoint.Messages;
        }

        return door switch
        {
            Dialect.Anthropic when provider.AnthropicBaseUrl is not null => UpstreamEndpoint.Messages,
            Dialect.Responses when provider.ResponsesBaseUrl is not null => UpstreamEndpoint.Responses,
            _ => UpstreamEndpoint.OpenAI,
        };
    }

    /// <summary>The dialect an endpoint speaks.</summary>
    public static Dialect DialectOf(UpstreamEndpoint endpoint) => endpoint switch
    {
        UpstreamEndpoint.Messages => Dialect.Anthropic,
        UpstreamEndpoint.Responses => Dialect.Responses,
        _ => Dialect.OpenAI,
    };

    /// <summary>The endpoint that speaks a dialect.</summary>
    public static UpstreamEndpoint EndpointOf(Dialect dialect) => dialect switch
    {
        Dialect.Anthropic => UpstreamEndpoint.Messages,
        Dialect.Responses => UpstreamEndpoint.Responses,
        _ => UpstreamEndpoint.OpenAI,
    };

    /// <summary>
    /// The URL of <paramref name="route"/> on an endpoint. Messages routes are written with their
    /// <c>v1/</c> prefix (<c>v1/messages</c>), as Anthropic's SDKs append them to a base such as
    /// <c>https://api.anthropic.com</c>; a base that already ends in <c>/v1</c> does not get a second one.
    /// Responses routes (<c>responses</c>) are appended to the Responses base as OpenAI's SDKs do.
    /// </summary>
    public static Uri RouteUri(ProviderConfig provider, UpstreamEndpoint endpoint, string route)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(route);
        var root = endpoint switch
        {
            UpstreamEndpoint.Messages => provider.AnthropicBaseUrl ?? throw new InvalidOperationException($"provider '{provider.Name}' has no Messages endpoint"),
            UpstreamEndpoint.Responses => provider.ResponsesBaseUrl ?? throw new InvalidOperationException($"provider '{provider.Name}' has no Responses endpoint"),
            _ => provider.BaseUrl,
        };
        var text = root.AbsoluteUri.TrimEnd('/');
        if (endpoint == UpstreamEndpoint.Messages && route.StartsWith("v1/", StringComparison.Ordinal)
            && text.EndsWith("/v1", StringComparison.Ordinal))
        {
            route = route[3..];
        }

        return new Uri(text + "/" + route);
    }
}
