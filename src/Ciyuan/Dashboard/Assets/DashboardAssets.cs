using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Ciyuan.Dashboard.Assets;

/// <summary>
/// The dashboard's HTML, CSS, scripts and vendored chart library, embedded in the executable at
/// build time (no Node toolchain, nothing fetched at run time) and served from memory.
/// </summary>
internal sealed class DashboardAssets
{
    private const string ResourcePrefix = "Ciyuan.Dashboard.wwwroot/";

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        _files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(
                name => name[ResourcePrefix.Length..].Replace('\\', '/'),
                name =>
                {
                    using var stream = assembly.GetManifestResourceStream(name)!;
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    var bytes = copy.ToArray();
                    return new DashboardAsset(bytes, ContentType(name), $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
                },
                StringComparer.Ordinal);
    }

    public int Count => _files.Count;

    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        _ => "text/plain; charset=utf-8",
    };
}

/// <summary>One embedded file, with the validator browsers revalidate it by.</summary>
internal sealed record DashboardAsset(byte[] Content, string ContentType, string ETag);
