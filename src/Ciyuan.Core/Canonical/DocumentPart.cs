using System.Text.Json;

namespace Ciyuan.Core.Canonical;

/// <summary>
/// A document (PDF or plain text): inline base64, a URL, inline text, or a provider file id.
/// Many OpenAI-dialect upstreams cannot take documents; the codecs reject it there by name.
/// </summary>
public sealed record DocumentPart(string? MediaType, string? Base64Data, string? Url, string? Text) : ContentPart
{
    /// <summary>Anthropic <c>title</c> / OpenAI <c>filename</c>.</summary>
    public string? Title { get; init; }

    /// <summary>OpenAI <c>file.file_id</c>: a reference only that upstream can resolve.</summary>
    public string? FileId { get; init; }

    public JsonElement? CacheControl { get; init; }
}
