using System.Buffers;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// An OpenAI-dialect answer for an OpenAI-dialect client: bytes pass through, with vendor quirks
/// (reasoning under another name, <c>&lt;think&gt;</c> tags, usage inside a choice) rewritten to the
/// standard shape. The usage-only chunk Ciyuan asked for on the client's behalf is metered, not
/// forwarded; reasoning of a tool-call turn is kept for the vendors that need it sent back.
/// </summary>
internal sealed class OpenAIPassthroughCodec(IDoor door, ProviderProfile profile, ReasoningCapture? capture, bool clientAskedForUsage) : AnswerCodec
{
    private readonly StreamNormalizer _normalizer = ResponseNormalizer.CreateStreamNormalizer(profile);
    private ReadOnlyMemory<byte> _answer;
    private ReadOnlyMemory<byte> _frame;
    private bool _comment;
    private bool _forward;

    public override BodyReading ReadBody(ReadOnlyMemory<byte> body, string provider)
    {
        if (ResponseNormalizer.TryReadEmbeddedError(profile, body.Span, out var embeddedStatus, out var embeddedMessage))
        {
            // MiniMax answers some errors with HTTP 200 and a base_resp code: still an error, never billed.
            return new BodyReading(ProviderErrorReader.Read(embeddedStatus, body.Span, retryAfter: null) with { Message = embeddedMessage }, null, 0);
        }

        _answer = ResponseNormalizer.NormalizeCompletion(profile, body.Span) is { } normalized ? normalized : body;
        var facts = OpenAIResponseScanner.Scan(_answer.Span);
        if (facts.Malformed)
        {
            return new BodyReading(new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' returned a response that is not a JSON object"), null, 0);
        }

        if (facts.IsError)
        {
            // An error sent with HTTP 200 is still an error: not billed, and another deployment may be tried.
            return new BodyReading(ProviderErrorReader.Read(502, _answer.Span, retryAfter: null) with { UpstreamStatus = null }, null, 0);
        }

        capture?.AddCompletion(_answer.Span);
        return new BodyReading(null, facts.HasUsage ? facts.Usage : null, facts.GeneratedBytes);
    }

    public override ReadOnlyMemory<byte> EncodeBody(TokenUsage counted) => _answer;

    public override bool IsError(SseReader frame) => OpenAIResponseScanner.Scan(frame.Data.Span).IsError;

    public override FrameReading Read(SseReader frame)
    {
        _comment = frame.Kind == SseFrameKind.Comment;
        _frame = frame.Data;
        if (_comment)
        {
            _forward = true;
            return default;
        }

        if (_frame.Span.SequenceEqual(SseBytes.Done))
        {
            _forward = false;
            return new FrameReading(0, null, FrameEnd.Completed);
        }

        if (_normalizer.Normalize(_frame.Span) is { } normalized)
        {
            _frame = normalized;
        }

        var facts = OpenAIResponseScanner.Scan(_frame.Span);
        capture?.AddChunk(_frame.Span);
        _forward = !(facts.ChoicesEmpty && facts.HasUsage && !clientAskedForUsage);
        return new FrameReading(facts.GeneratedBytes, facts.HasUsage ? facts.Usage : null, facts.IsError ? FrameEnd.UpstreamError : FrameEnd.None);
    }

    public override void Forward(IBufferWriter<byte> client)
    {
        if (!_forward)
        {
            return;
        }

        if (_comment)
        {
            SseFrames.WriteComment(client, _frame.Span);
        }
        else
        {
            SseFrames.WriteData(client, _frame.Span);
        }
    }

    public override void WriteCompletion(IBufferWriter<byte> client, TokenUsage counted) => SseFrames.WriteDone(client);

    public override void WriteFailure(IBufferWriter<byte> client, GatewayError error) => door.WriteStreamError(client, error);

    public override void Finished() => capture?.Commit();
}
