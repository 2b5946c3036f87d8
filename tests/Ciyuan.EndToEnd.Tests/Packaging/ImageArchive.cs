using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// A container image read from the tarball <c>dotnet publish /t:PublishContainer</c> writes with
/// <c>ContainerArchiveOutputPath</c>, in either layout a container engine loads: OCI (<c>index.json</c>
/// and <c>blobs/sha256/…</c>) or Docker's (<c>manifest.json</c> naming config and layer files).
/// Gives the image config, the tags, and the files of all layers applied in order.
/// </summary>
internal sealed class ImageArchive
{
    /// <summary>The member of a Docker-layout <c>manifest.json</c> entry naming the config file.</summary>
    private const string DockerConfigMember = "Config";

    private ImageArchive(JsonObject image, IReadOnlyList<string> tags, IReadOnlyList<string> layerDigests, IReadOnlyDictionary<string, ImageFile> files)
    {
        Image = image;
        Tags = tags;
        LayerDigests = layerDigests;
        Files = files;
    }

    /// <summary>The whole image config: <c>architecture</c>, <c>os</c>, <c>config</c>, <c>rootfs</c>, <c>history</c>.</summary>
    public JsonObject Image { get; }

    /// <summary>The run settings: <c>User</c>, <c>Env</c>, <c>ExposedPorts</c>, <c>Entrypoint</c>, <c>Cmd</c>, <c>WorkingDir</c>, <c>Labels</c>.</summary>
    public JsonObject Config => Image["config"]!.AsObject();

    /// <summary>The image's names, e.g. <c>ciyuan:latest</c>.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The manifest's layer digests, base image first.</summary>
    public IReadOnlyList<string> LayerDigests { get; }

    /// <summary>The image's filesystem by absolute path (<c>/app/ciyuan.dll</c>, <c>/home/app</c>), later layers winning.</summary>
    public IReadOnlyDictionary<string, ImageFile> Files { get; }

    /// <summary>The value of environment variable <paramref name="name"/> in the config, or null.</summary>
    public string? Environment(string name) => Config["Env"]?.AsArray()
        .Select(e => e!.GetValue<string>())
        .Where(e => e.StartsWith(name + "=", StringComparison.Ordinal))
        .Select(e => e[(name.Length + 1)..])
        .LastOrDefault();

    public static ImageArchive Read(string path)
    {
        var entries = ReadTar(File.ReadAllBytes(path));
        return entries.ContainsKey("index.json") ? ReadOciLayout(entries) : ReadDockerLayout(entries);
    }

    private static ImageArchive ReadOciLayout(Dictionary<string, byte[]> entries)
    {
        var index = JsonNode.Parse(entries["index.json"])!.AsObject();
        var descriptors = index["manifests"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var manifest = JsonNode.Parse(Blob(entries, descriptors[0]["digest"]!.GetValue<string>()))!.AsObject();
        var tags = descriptors
            .Select(d => d["annotations"]?["io.containerd.image.name"]?.GetValue<string>() ?? d["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        var layerDigests = manifest["layers"]!.AsArray().Select(l => l!["digest"]!.GetValue<string>()).ToList();
        var image = JsonNode.Parse(Blob(entries, manifest["config"]!["digest"]!.GetValue<string>()))!.AsObject();
        return new ImageArchive(image, tags, layerDigests, ApplyLayers(layerDigests.Select(d => Blob(entries, d))));
    }

    private static ImageArchive ReadDockerLayout(Dictionary<string, byte[]> entries)
    {
        var manifest = JsonNode.Parse(entries["manifest.json"])!.AsArray()[0]!.AsObject();
        var tags = manifest["RepoTags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
        var layerFiles = manifest["Layers"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        var image = JsonNode.Parse(entries[manifest[DockerConfigMember]!.GetValue<string>()])!.AsObject();
        var diffIds = image["rootfs"]!["diff_ids"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        return new ImageArchive(image, tags, diffIds, ApplyLayers(layerFiles.Select(f => entries[f])));
    }

    private static byte[] Blob(Dictionary<string, byte[]> entries, string digest) => entries["blobs/" + digest.Replace(':', '/')];

    private static Dictionary<string, ImageFile> ApplyLayers(IEnumerable<byte[]> layers)
    {
        var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            using var reader = new TarReader(new MemoryStream(IsGzip(layer) ? Gunzip(layer) : layer));
            while (reader.GetNextEntry() is { } entry)
            {
                var name = "/" + entry.Name.TrimStart('.', '/').TrimEnd('/');
                files[name] = new ImageFile(entry.EntryType, entry.Uid, entry.Gid, entry.Mode);
            }
        }

        return files;
    }

    private static Dictionary<string, byte[]> ReadTar(byte[] archive)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(IsGzip(archive) ? Gunzip(archive) : archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                entries[entry.Name.TrimStart('.', '/')] = copy.ToArray();
            }
        }

        return entries;
    }

    private static bool IsGzip(byte[] content) => content.Length > 2 && content[0] == 0x1f && content[1] == 0x8b;

    private static byte[] Gunzip(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }
}
