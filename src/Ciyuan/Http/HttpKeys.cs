using Ciyuan.Core.Keys;
using Ciyuan.Gateway.Keys;

namespace Ciyuan.Http;

/// <summary>The caller's key on routes outside the pipeline (model lists, admin), read from the same headers.</summary>
internal static class HttpKeys
{
    public static ClientKey? Authenticate(this KeyAuthenticator authenticator, HttpRequest request, out string? error) =>
        authenticator.Authenticate(Header(request, "Authorization"), Header(request, KeyAuthenticator.ApiKeyHeader), out error);

    /// <summary>The presented key (Bearer first), or empty when none was sent.</summary>
    public static ReadOnlySpan<char> PresentedKey(HttpRequest request) =>
        KeyAuthenticator.PresentedKey(Header(request, "Authorization"), Header(request, KeyAuthenticator.ApiKeyHeader));

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;
}
