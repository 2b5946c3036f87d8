using Ciyuan.Core.Keys;
using Ciyuan.Hosting;
using Microsoft.Net.Http.Headers;

namespace Ciyuan.Http;

/// <summary>Finds the caller's key in <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
internal sealed class ClientAuthenticator(KeyCache keys)
{
    public const string MissingKeyMessage =
        "No API key was sent. Send your Ciyuan key as 'Authorization: Bearer KEY' or 'x-api-key: KEY' (create one with `ciyuan keys create`).";

    public const string InvalidKeyMessage =
        "The API key is not valid or has been revoked. Check the key, or ask an administrator for a new one.";

    /// <summary>The presented key, or null when none was sent.</summary>
    public static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count > 0 && authorization[0] is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return span[7..].Trim();
            }
        }

        var apiKey = request.Headers[CiyuanHeaders.ApiKey];
        return apiKey.Count > 0 && apiKey[0] is { } key ? key.AsSpan().Trim() : [];
    }

    /// <summary>
    /// Returns the key, or an error saying what is wrong. When a client sends both headers (some
    /// tools add a placeholder Bearer token), either one being a valid key is enough.
    /// </summary>
    public ClientKey? Authenticate(HttpRequest request, out string? error)
    {
        var presented = PresentedKey(request);
        if (presented.IsEmpty)
        {
            error = MissingKeyMessage;
            return null;
        }

        var key = keys.Find(KeyHash.Of(presented));
        if (key is null && request.Headers[CiyuanHeaders.ApiKey] is { Count: > 0 } apiKey && apiKey[0] is { Length: > 0 } other)
        {
            key = keys.Find(KeyHash.Of(other.AsSpan().Trim()));
        }

        error = key is null ? InvalidKeyMessage : null;
        return key;
    }
}
