using System.Buffers;
using System.Text;
using Ciyuan.Core.Buffers;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.OpenAI;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// An answer across dialects: decoded from the upstream's into the canonical model and encoded in
/// the client's. Usage is held back from the encoder until the ledger line is committed, so the
/// final events (and the usage they report) never precede it.
/// </summary>
internal sealed class TranslatingCodec(IDoor door, UpstreamDecoder upstream, IStreamEncoder encoder, TranslatedAnswer translated) : AnswerCodec
{
    private readonly List<StreamEvent> _events = new(8);
    private ChatResponse? _answer;
    private (TokenUsage Usage, byte[] Body)? _encoded;
    private bool _comment;

    public override bool Translates => true;

    public override BodyReading ReadBody(ReadOnlyMemory<byte> body, string provider)
    {
        var scanned = OpenAIResponseScanner.Scan(body.Span);
        if (scanned.IsError)
        {
            // An error sent with HTTP 200 (either dialect's shape) is still an error: not billed, may fall back.
            return new BodyReading(ProviderErrorReader.Read(502, body.Span, retryAfter: null) with { UpstreamStatus = null }, null, 0);
        }

        try
        {
            _answer = upstream.DecodeBody(body.Span);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or TranslationException or InvalidOperationException or FormatException)
        {
            return new BodyReading(new ProviderFailure(ProviderFailureKind.UpstreamError, null,
                $"provider '{provider}' returned a response that is not a valid answer in its dialect"), null, 0);
        }

        return new BodyReading(null, _answer.Usage, scanned.GeneratedBytes);
    }

    public override ReadOnlyMemory<byte> EncodeBody(TokenUsage counted)
    {
        if (_encoded is not { } encoded || encoded.Usage != counted)
        {
            encoded = (counted, door.EncodeResponse(_answer! with { Usage = counted }, translated));
            _encoded = encoded;
        }

        return encoded.Body;
    }

    public override ReadOnlyMemory<byte>? AnswerToKeep(TokenUsage counted) =>
        _answer is not null ? EncodeBody(counted) : (encoder as IWholeAnswerEncoder)?.WholeAnswer(counted);

    public override bool IsError(SseReader frame) => upstream.IsError(frame);

    public override FrameReading Read(SseReader frame)
    {
        _events.Clear();
        _comment = frame.Kind == SseFrameKind.Comment;
        if (_comment)
        {
            return default;
        }

        if (upstream.IsEnd(frame))
        {
            return new FrameReading(0, null, FrameEnd.Completed);
        }

        upstream.DecodeFrame(frame, _events);
        TokenUsage? usage = null;
        var text = 0;
        var end = FrameEnd.None;
        for (var i = _events.Count - 1; i >= 0; i--)
        {
            switch (_events[i])
            {
                case UsageReported reported:
                    // Metered here, reported to the client by the completion once settled.
                    usage ??= reported.Usage;
                    _events.RemoveAt(i);
                    break;
                case StreamError:
                    end = FrameEnd.UpstreamError;
                    break;
                case TextDelta delta:
                    text += Encoding.UTF8.GetByteCount(delta.Text);
                    break;
                case ReasoningDelta delta:
                    text += Encoding.UTF8.GetByteCount(delta.Text);
                    break;
                case ToolCallArgumentsDelta delta:
                    text += Encoding.UTF8.GetByteCount(delta.Json);
                    break;
                default:
                    break;
            }
        }

        return new FrameReading(text, usage, end);
    }

    public override void Forward(IBufferWriter<byte> client)
    {
        var scratch = ScratchBuffer.Take();
        if (_comment)
        {
            encoder.Write(KeepAlive.Instance, scratch);
        }
        else
        {
            foreach (var e in _events)
            {
                encoder.Write(e, scratch);
                if (e is StreamError)
                {
                    // Nothing after the upstream's error.
                    break;
                }
            }
        }

        WriteOut(scratch, client);
    }

    /// <summary>
    /// A frame's events are encoded into a scratch buffer and reach the client in one write: the
    /// client's writer (Kestrel's response pipe) takes a lock on every <c>GetSpan</c> and
    /// <c>Advance</c>, and an encoder makes a dozen of each per event.
    /// </summary>
    private static void WriteOut(System.Buffers.ArrayBufferWriter<byte> scratch, IBufferWriter<byte> client)
    {
        if (scratch.WrittenCount > 0)
        {
            client.Write(scratch.WrittenSpan);
        }

        ScratchBuffer.GiveBack(scratch);
    }

    public override void WriteCompletion(IBufferWriter<byte> client, TokenUsage counted)
    {
        var scratch = ScratchBuffer.Take();
        encoder.Write(new UsageReported(counted), scratch);
        encoder.Complete(scratch);
        WriteOut(scratch, client);
    }

    public override void WriteFailure(IBufferWriter<byte> client, GatewayError error)
    {
        var scratch = ScratchBuffer.Take();
        encoder.Write(new StreamError(error.Shape.AnthropicType, error.Message) { Code = error.Code }, scratch);
        WriteOut(scratch, client);
    }
}
