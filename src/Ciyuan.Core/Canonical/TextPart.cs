using System.Text.Json;

namespace Ciyuan.Core.Canonical;

/// <summary>Plain text. <paramref name="CacheControl"/> is Anthropic's opaque cache marker, kept for Anthropic targets.</summary>
public sealed record TextPart(string Text, JsonElement? CacheControl = null) : ContentPart;
