namespace Ciyuan.Core.Canonical;

/// <summary>An image, either by URL or inline (<paramref name="MediaType"/> + <paramref name="Base64Data"/>).</summary>
public sealed record ImagePart(string? Url, string? MediaType, string? Base64Data) : ContentPart;
