namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Reads a <c>server.urls</c> / <c>--urls</c> value the way Kestrel binds it.</summary>
internal static class ListenUrls
{
    private static readonly string[] AnyAddress = ["+", "*", "0.0.0.0", "[::]"];

    /// <summary>True when <paramref name="urls"/> binds every interface of the container at <paramref name="port"/>.</summary>
    public static bool AllInterfacesAt(string? urls, int port) =>
        urls is not null && urls.Split(';').Any(url =>
        {
            var authority = url.Split("://", 2)[^1].TrimEnd('/');
            var colon = authority.LastIndexOf(':');
            return colon > 0 && AnyAddress.Contains(authority[..colon]) && authority[(colon + 1)..] == port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
}
