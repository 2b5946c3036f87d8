namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>Media types of the OCI image specification (image-spec v1.1, "media-types.md").</summary>
internal static class OciMediaTypes
{
    public const string Index = "application/vnd.oci.image.index.v1+json";
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
}
