using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.Relay;

/// <summary>Reads an upstream's answer into the canonical model, for a client that speaks another dialect.</summary>
internal abstract class UpstreamDecoder
{
    /// <summary>A whole answer (a malformed one throws <see cref="System.Text.Json.JsonException"/> or <see cref="TranslationException"/>).</summary>
    public abstract ChatResponse DecodeBody(ReadOnlySpan<byte> body);

    /// <summary>One stream frame's events.</summary>
    public abstract void DecodeFrame(SseReader frame, List<StreamEvent> events);

    /// <summary>The frame is the upstream's error (as the first frame: a failure before anything reached the client).</summary>
    public abstract bool IsError(SseReader frame);

    /// <summary>The frame is the upstream's end marker.</summary>
    public abstract bool IsEnd(SseReader frame);

    /// <summary>An OpenAI-dialect upstream (vendor quirks normalised before decoding).</summary>
    public static UpstreamDecoder OpenAI(ProviderProfile profile) => new OpenAIUpstream(profile);

    /// <summary>An Anthropic upstream (<c>kind: anthropic</c>).</summary>
    public static UpstreamDecoder Anthropic() => new AnthropicUpstream();

    private sealed class OpenAIUpstream(ProviderProfile profile) : UpstreamDecoder
    {
        private readonly OpenAIStreamDecoder _decoder = new();
        private readonly StreamNormalizer _normalizer = ResponseNormalizer.CreateStreamNormalizer(profile);

        public override ChatResponse DecodeBody(ReadOnlySpan<byte> body) =>
            OpenAIResponseCodec.Decode(ResponseNormalizer.NormalizeCompletion(profile, body) is { } normalized ? normalized : body);

        public override void DecodeFrame(SseReader frame, List<StreamEvent> events) =>
            _decoder.Decode(_normalizer.Normalize(frame.Data.Span) is { } normalized ? normalized : frame.Data.Span, events);

        public override bool IsError(SseReader frame) => OpenAIResponseScanner.Scan(frame.Data.Span).IsError;

        public override bool IsEnd(SseReader frame) => frame.Data.Span.SequenceEqual(SseBytes.Done);
    }

    private sealed class AnthropicUpstream : UpstreamDecoder
    {
        private readonly AnthropicStreamDecoder _decoder = new();

        public override ChatResponse DecodeBody(ReadOnlySpan<byte> body) => AnthropicResponseCodec.Decode(body);

        public override void DecodeFrame(SseReader frame, List<StreamEvent> events) => _decoder.Decode(frame.EventName, frame.Data.Span, events);

        public override bool IsError(SseReader frame) => frame.EventName == AnthropicEvents.Error;

        public override bool IsEnd(SseReader frame) => frame.EventName == AnthropicEvents.MessageStop;
    }
}
