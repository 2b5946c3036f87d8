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
        return AnthropicRequestEncoder.Encode(request, upstreamModel, defaultMaxTokens);
    }
}
