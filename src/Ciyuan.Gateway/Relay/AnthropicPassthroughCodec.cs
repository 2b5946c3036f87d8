using System.Buffers;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// An Anthropic-dialect answer for an Anthropic client (Anthropic itself, or a vendor's
/// <c>/anthropic</c> route): bytes and events go through unchanged, metered from the upstream's own
/// usage in <c>message_start</c> and <c>message_delta</c>; <c>message_stop</c> is held back until
/// the ledger line is durable.
/// </summary>
internal sealed class AnthropicPassthroughCodec(IDoor door) : AnswerCodec
{
    private ReadOnlyMemory<byte> _answer;
    private ReadOnlyMemory<byte> _frame;
    private string? _event;
    private bool _comment;
    private bool _forward;
    private TokenUsage _usage;

    public override BodyReading ReadBody(ReadOnlyMemory<byte> body, string provider)
    {
        _answer = body;

        // The response scanner reads Anthropic's usage object too (input_tokens, cache buckets, output_tokens).
        var facts = OpenAIResponseScanner.Scan(body.Span);
        if (facts.Malformed)
        {
            return new BodyReading(new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' returned a response that is not a JSON object"), null, 0);
        }

        return facts.IsError
            ? new BodyReading(ProviderErrorReader.Read(502, body.Span, retryAfter: null) with { UpstreamStatus = null }, null, 0)
            : new BodyReading(null, facts.HasUsage ? facts.Usage : null, facts.GeneratedBytes);
    }

    public override ReadOnlyMemory<byte> EncodeBody(TokenUsage counted) => _answer;

    public override bool IsError(SseReader frame) => frame.EventName == AnthropicEvents.Error;

    public override FrameReading Read(SseReader frame)
    {
        _comment = frame.Kind == SseFrameKind.Comment;
        _frame = frame.Data;
        _event = frame.EventName;
        _forward = true;
        if (_comment)
        {
            return default;
        }

        TokenUsage? usage = null;
        if (AnthropicEventUsage.TryRead(_event, _frame.Span, _usage, out var updated))
        {
            _usage = updated;
            usage = updated;
        }

        var text = _event == AnthropicEvents.ContentBlockDelta ? AnthropicDeltaText.Bytes(_frame.Span) : 0;
        if (_event == AnthropicEvents.MessageStop)
        {
            _forward = false;
            return new FrameReading(text, usage, FrameEnd.Completed);
        }

        return new FrameReading(text, usage, _event == AnthropicEvents.Error ? FrameEnd.UpstreamError : FrameEnd.None);
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
        else if (_event is null)
        {
            SseFrames.WriteData(client, _frame.Span);
        }
        else
        {
            SseFrames.WriteEvent(client, AnthropicEvents.Utf8(_event), _frame.Span);
        }
    }


    public override void WriteCompletion(IBufferWriter<byte> client, TokenUsage counted) =>
        SseFrames.WriteEvent(client, "message_stop"u8, """{"type":"message_stop"}"""u8);

    public override void WriteFailure(IBufferWriter<byte> client, GatewayError error) => door.WriteStreamError(client, error);
}
