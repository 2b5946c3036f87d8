using System.Collections.Concurrent;
using System.Net;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;

namespace Ciyuan.Providers.Http;

/// <summary>
/// One connection pool per provider: a slow vendor exhausts only its own connections, and each
/// pool has that provider's connect timeout. Invokers are long-lived and shared by all requests and
/// by every config generation: a reload that changes a provider's connect timeout gets a new pool
/// (the old one keeps serving the requests that started on it and is disposed with the gateway).
/// </summary>
public sealed class ProviderHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<(string Provider, TimeSpan ConnectTimeout), HttpMessageInvoker> _invokers = new();
    private readonly ConcurrentDictionary<(string Provider, Dialect Dialect, string Route), RouteEntry> _routes = new();

    public HttpMessageInvoker For(ProviderConfig provider) =>
        _invokers.GetOrAdd((provider.Name, provider.Timeouts.Connect), static (_, p) => Create(p), provider);

    /// <summary>The route on the provider's endpoint for that dialect: its Messages base for Anthropic, its Responses base for Responses, its OpenAI-dialect base otherwise.</summary>
    public Uri RouteUri(ProviderConfig provider, Dialect dialect, string route)
    {
        // Cached per provider name, and valid for the config it was computed from: after a reload
        // (a new ProviderConfig, perhaps a new base URL) the entry is computed again.
        var key = (provider.Name, dialect, route);
        if (_routes.TryGetValue(key, out var entry) && ReferenceEquals(entry.Provider, provider))
        {
            return entry.Uri;
        }

        var uri = ProviderEndpoints.RouteUri(provider, ProviderEndpoints.EndpointOf(dialect), route);
        _routes[key] = new RouteEntry(provider, uri);
        return uri;
    }

    private static HttpMessageInvoker Create(ProviderConfig provider) => new(
        new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = provider.Timeouts.Connect,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            EnableMultipleHttp2Connections = true,
            // Trace context is sent explicitly per attempt (UpstreamRequest.TraceParent): the handler's
            // own propagation would send whatever Activity.Current happens to be, traced or not.
            ActivityHeadersPropagator = null,
        },
        disposeHandler: true);

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }

        _invokers.Clear();
    }

    private sealed record RouteEntry(ProviderConfig Provider, Uri Uri);
}
