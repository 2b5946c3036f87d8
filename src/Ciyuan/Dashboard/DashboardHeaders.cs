namespace Ciyuan.Dashboard;

/// <summary>
/// Headers on every <c>/ui</c> response: scripts, styles and connections only from this origin (no
/// CDN, no inline script), no framing, no sniffing, no referrer, and data never cached.
/// </summary>
internal static class DashboardHeaders
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
