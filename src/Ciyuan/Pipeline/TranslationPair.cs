using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Pipeline;

/// <summary>The codecs of one direction of translation: how the upstream's answer is read and the client's written.</summary>
internal sealed record TranslationPair(
    Func<ReadOnlySpan<byte>, ChatResponse> DecodeUpstream,
    Func<ChatResponse, RequestContext, byte[]> EncodeClient,
    Func<RequestContext, OpenAIRequestFacts, IStreamEncoder> CreateEncoder,
    Func<ProviderProfile, Action<SseReader, List<StreamEvent>>> CreateDecoder,
    Func<SseReader, bool> IsUpstreamError,
    Func<SseReader, bool> IsEnd)
{
    /// <summary>
    /// Anthropic client, OpenAI-dialect upstream (vendor quirks normalised before decoding).
    /// <paramref name="inputTokens"/> is the prompt's count for <c>message_start</c>, which OpenAI
    /// upstreams give only at the end.
    /// </summary>
    public static TranslationPair AnthropicFromOpenAI(Func<ProviderProfile> profile, long? inputTokens = null) => new(
        body => OpenAIResponseCodec.Decode(ResponseNormalizer.NormalizeCompletion(profile(), body) is { } normalized ? normalized : body),
        (response, request) => AnthropicResponseCodec.Encode(response with { Id = "msg_" + request.RequestId[4..] }, request.ModelAlias),
        (request, _) => new AnthropicStreamEncoder("msg_" + request.RequestId[4..], request.ModelAlias) { InputTokens = inputTokens },
        vendor =>
        {
            var decoder = new OpenAIStreamDecoder();
            var normalizer = ResponseNormalizer.CreateStreamNormalizer(vendor);
            return (sse, events) => decoder.Decode(normalizer.Normalize(sse.Data.Span) is { } normalized ? normalized : sse.Data.Span, events);
        },
        sse => OpenAIResponseScanner.Scan(sse.Data.Span).IsError,
        sse => sse.Data.Span.SequenceEqual(SseBytes.Done));

    /// <summary>OpenAI client, Anthropic-only upstream.</summary>
    public static TranslationPair OpenAIFromAnthropic { get; } = new(
        body => AnthropicResponseCodec.Decode(body),
        (response, request) => OpenAIResponseCodec.Encode(response with { Id = "chatcmpl-" + request.RequestId[4..] }, request.ModelAlias),
        (request, facts) => new OpenAIStreamEncoder("chatcmpl-" + request.RequestId[4..], request.ModelAlias, facts.IncludeUsageRequested),
        _ =>
        {
            var decoder = new AnthropicStreamDecoder();
            return (sse, events) => decoder.Decode(sse.EventName, sse.Data.Span, events);
        },
        sse => sse.EventName == "error",
        sse => sse.EventName == "message_stop");
}
