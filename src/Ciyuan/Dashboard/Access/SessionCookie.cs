using System.Security.Cryptography;

namespace Ciyuan.Dashboard.Access;

/// <summary>
/// The dashboard's session cookie: a random id, HttpOnly (scripts never see it), SameSite=Strict
/// (other sites cannot ride it), Secure when served over TLS, scoped to <c>/ui</c>.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "ciyuan_session";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewCsrfToken() => Base64Url(RandomNumberGenerator.GetBytes(24));

    public static string? Read(HttpRequest request) => request.Cookies.TryGetValue(Name, out var value) && value is { Length: > 0 } ? value : null;

    public static void Write(HttpResponse response, string id, bool secure) =>
        response.Cookies.Append(Name, id, Options(secure, Lifetime));

    public static void Clear(HttpResponse response, bool secure) =>
        response.Cookies.Append(Name, "", Options(secure, TimeSpan.Zero, DateTimeOffset.UnixEpoch));

    private static CookieOptions Options(bool secure, TimeSpan maxAge, DateTimeOffset? expires = null) => new()
    {
        Expires = expires,
        HttpOnly = true,
        Secure = secure,
        SameSite = SameSiteMode.Strict,
        Path = "/ui",
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
