using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>OpenAI Chat Completions request bodies ⇄ <see cref="ChatRequest"/>.</summary>
public static class OpenAIRequestCodec
{
    /// <summary>Decodes a client body; invalid input throws <see cref="TranslationException"/> naming the field.</summary>
    public static ChatRequest Decode(ReadOnlySpan<byte> json) => OpenAIRequestDecoder.Decode(json);

    /// <summary>Encodes for an OpenAI-dialect upstream; what it cannot express throws <see cref="TranslationException"/>.</summary>
    public static byte[] Encode(ChatRequest request, OpenAIEncodeOptions options) => Encode(request, options, new List<string>());

    /// <summary>
    /// Encodes, adding to <paramref name="dropped"/> the path of every source field left out for a
    /// stated reason (a <see cref="FieldFate.Refused"/> one throws <see cref="TranslationException"/> instead).
    /// </summary>
    public static byte[] Encode(ChatRequest request, OpenAIEncodeOptions options, ICollection<string> dropped)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dropped);
        return OpenAIRequestEncoder.Encode(request, options, dropped);
    }
}
