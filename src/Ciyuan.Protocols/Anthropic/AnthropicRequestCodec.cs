using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic Messages request bodies ⇄ <see cref="ChatRequest"/>.</summary>
public static class AnthropicRequestCodec
{
    /// <summary>
    /// What an Anthropic upstream gets as <c>max_tokens</c> when the request has none (OpenAI makes it
    /// optional, Anthropic requires it). Callers with a per-model limit pass their own.
    /// </summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Decodes a client body; invalid input throws <see cref="TranslationException"/> naming the field.</summary>
    public static ChatRequest Decode(ReadOnlySpan<byte> json) => AnthropicRequestDecoder.Decode(json);

    /// <summary>Encodes for an Anthropic upstream; what Anthropic cannot express throws <see cref="TranslationException"/>.</summary>
    public static byte[] Encode(ChatRequest request, string upstreamModel) => Encode(request, upstreamModel, DefaultMaxTokens);

    public static byte[] Encode(ChatRequest request, string upstreamModel, int defaultMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnthropicRequestEncoder.Encode(request, upstreamModel, defaultMaxTokens, new List<string>());
    }

    /// <summary>
    /// Encodes, adding to <paramref name="dropped"/> the path of every source field left out for a
    /// stated reason (a <see cref="FieldFate.Refused"/> one throws <see cref="TranslationException"/> instead).
    /// </summary>
    public static byte[] Encode(ChatRequest request, string upstreamModel, ICollection<string> dropped)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dropped);
        return AnthropicRequestEncoder.Encode(request, upstreamModel, DefaultMaxTokens, dropped);
    }
}
