using System.Collections.Concurrent;
using System.Net;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Providers;

namespace Ciyuan.Providers.Http;

/// <summary>
/// One connection pool per provider: a slow vendor exhausts only its own connections, and each
/// pool has that provider's connect timeout. Invokers are long-lived and shared by all requests.
/// </summary>
public sealed class ProviderHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Provider, Dialect Dialect, string Route), Uri> _routes = new();

    public HttpMessageInvoker For(ProviderConfig provider) =>
        _invokers.GetOrAdd(provider.Name, static (_, p) => Create(p), provider);

    /// <summary>The route on the provider's endpoint for that dialect: its Messages base for Anthropic, its OpenAI-dialect base otherwise.</summary>
    public Uri RouteUri(ProviderConfig provider, Dialect dialect, string route) =>
        _routes.GetOrAdd((provider.Name, dialect, route), static (key, p) =>
            ProviderEndpoints.RouteUri(p, key.Dialect == Dialect.Anthropic ? UpstreamEndpoint.Messages : UpstreamEndpoint.OpenAI, key.Route), provider);

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
}
