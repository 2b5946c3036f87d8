using Ciyuan.Core.Keys;

namespace Ciyuan.Gateway.Keys;

/// <summary>Finds the caller's key in <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
internal sealed class KeyAuthenticator(KeyCache keys)
{
    public const string ApiKeyHeader = "x-api-key";

    public const string MissingKeyMessage =
        "No API key was sent. Send your Ciyuan key as 'Authorization: Bearer KEY' or 'x-api-key: KEY' (create one with `ciyuan keys create`).";

    public const string InvalidKeyMessage =
        "The API key is not valid or has been revoked. Check the key, or ask an administrator for a new one.";

    /// <summary>The presented key (Bearer first), or empty when none was sent.</summary>
    public static ReadOnlySpan<char> PresentedKey(string? authorization, string? apiKey)
    {
        if (authorization is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return span[7..].Trim();
            }
        }

        return apiKey is { } key ? key.AsSpan().Trim() : [];
    }

    /// <summary>
    /// Returns the key, or an error saying what is wrong. When a client sends both headers (some
    /// tools add a placeholder Bearer token), either one being a valid key is enough.
    /// </summary>
    public ClientKey? Authenticate(string? authorization, string? apiKey, out string? error)
    {
        var presented = PresentedKey(authorization, apiKey);
        if (presented.IsEmpty)
        {
            error = MissingKeyMessage;
            return null;
        }

        var key = keys.Find(KeyHash.Of(presented));
        if (key is null && apiKey is { Length: > 0 } other)
        {
            key = keys.Find(KeyHash.Of(other.AsSpan().Trim()));
        }

        error = key is null ? InvalidKeyMessage : null;
        return key;
    }
}
