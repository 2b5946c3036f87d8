using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// A tiny stand-in for Microsoft's chiselled ASP.NET Core runtime image, for building Ciyuan's image
/// where that registry cannot be reached. It carries what the real image's Dockerfile
/// (dotnet/dotnet-docker, <c>src/runtime-deps/10.0/noble-chiseled-extra</c>) sets and Ciyuan's image
/// relies on: the non-root user <c>app</c> (uid and gid 1654) in <c>/etc/passwd</c>, its home
/// <c>/home/app</c> owned by it, <c>USER 1654</c>, and the environment (<c>APP_UID</c>,
/// <c>ASPNETCORE_HTTP_PORTS=8080</c>, <c>DOTNET_RUNNING_IN_CONTAINER</c>, the runtime versions). It has
/// no runtime: the image built on it is inspected, not run.
/// </summary>
internal sealed class StandInBaseImage
{
    public const int AppUid = 1654;

    private static readonly string[] Architectures = ["amd64", "arm64"];

    private StandInBaseImage(OciBlob index, IReadOnlyList<OciBlob> blobs, OciBlob layer)
    {
        Index = index;
        Blobs = blobs;
        Layer = layer;
    }

    /// <summary>The multi-platform index a tag resolves to, as Microsoft's registry serves it.</summary>
    public OciBlob Index { get; }

    /// <summary>Everything the registry serves by digest: per-platform manifests, configs and the layer.</summary>
    public IReadOnlyList<OciBlob> Blobs { get; }

    /// <summary>The one filesystem layer, shared by every platform.</summary>
    public OciBlob Layer { get; }

    public static StandInBaseImage Create()
    {
        var (layer, diffId) = CreateLayer();
        var blobs = new List<OciBlob> { layer };
        var platforms = new JsonArray();
        foreach (var architecture in Architectures)
        {
            var config = Json(OciMediaTypes.Config, CreateConfig(architecture, diffId));
            var manifest = Json(OciMediaTypes.Manifest, new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = OciMediaTypes.Manifest,
                ["config"] = Descriptor(config),
                ["layers"] = new JsonArray(Descriptor(layer)),
            });
            blobs.Add(config);
            blobs.Add(manifest);
            var entry = Descriptor(manifest);
            entry["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" };
            platforms.Add(entry);
        }

        var index = Json(OciMediaTypes.Index, new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.Index,
            ["manifests"] = platforms,
        });
        return new StandInBaseImage(index, blobs, layer);
    }

    private static JsonObject CreateConfig(string architecture, string diffId)
    {
        var runtime = Environment.Version.ToString();
        return new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["created"] = "2026-01-01T00:00:00Z",
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray(
                    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    $"APP_UID={AppUid}",
                    "ASPNETCORE_HTTP_PORTS=8080",
                    "DOTNET_RUNNING_IN_CONTAINER=true",
                    $"DOTNET_VERSION={runtime}",
                    $"ASPNET_VERSION={runtime}"),
                ["User"] = AppUid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
            ["history"] = new JsonArray(new JsonObject { ["created"] = "2026-01-01T00:00:00Z", ["created_by"] = "stand-in for the chiselled ASP.NET Core runtime image" }),
        };
    }

    /// <summary>The layer (gzip) and its diff id (the digest of the uncompressed tar).</summary>
    private static (OciBlob Layer, string DiffId) CreateLayer()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = Directory });
            WriteFile(writer, "etc/passwd", $"root:x:0:0:root:/root:/bin/bash\napp:x:{AppUid}:{AppUid}::/home/app:/bin/false\n", File);
            WriteFile(writer, "etc/group", $"root:x:0:\napp:x:{AppUid}:\n", File);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "home/") { Mode = Directory });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "home/app/") { Mode = Directory, Uid = AppUid, Gid = AppUid });
        }

        var uncompressed = tar.ToArray();
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(uncompressed);
        }

        return (new OciBlob(OciMediaTypes.LayerGzip, gzip.ToArray()), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(uncompressed)));
    }

    private static void WriteFile(TarWriter writer, string path, string contents, UnixFileMode mode)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(contents));
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { Mode = mode, DataStream = data });
    }

    private static OciBlob Json(string mediaType, JsonObject json) => new(mediaType, Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static JsonObject Descriptor(OciBlob blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Content.Length,
    };
}
