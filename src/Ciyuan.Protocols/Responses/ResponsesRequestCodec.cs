using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>OpenAI Responses request bodies → <see cref="ChatRequest"/>.</summary>
public static class ResponsesRequestCodec
{
    /// <summary>Decodes a client body; invalid input, or what no translation can carry, throws <see cref="TranslationException"/> naming the field.</summary>
    public static ChatRequest Decode(ReadOnlySpan<byte> json) => ResponsesRequestDecoder.Decode(json);
}
