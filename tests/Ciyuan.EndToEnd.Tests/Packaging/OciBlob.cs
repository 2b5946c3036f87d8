using System.Security.Cryptography;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Content a registry serves by digest: a manifest, an index, an image config or a layer.</summary>
internal sealed record OciBlob(string MediaType, byte[] Content)
{
    public string Digest { get; } = DigestOf(Content);

    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
