using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Doors;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Responses;
using Ciyuan.Protocols.Sse;
using Ciyuan.Providers.Http;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// A native Responses answer for a Responses client (OpenAI, OpenRouter, a vendor's Responses route):
/// events and bodies go through unchanged but for the response object's <c>id</c>, which becomes
/// Ciyuan's (ids of stored responses are Ciyuan's to give, unique whoever served them), and its
/// <c>previous_response_id</c>, which is the client's (the upstream got the conversation inlined).
/// Metered from the usage of <c>response.completed</c> (or <c>response.incomplete</c>), which is held
/// back until the ledger line is durable and the answer kept. A stream that fails after it began
/// ends as Responses streams do: an <c>error</c> event and <c>response.failed</c>, numbered after the
/// upstream's last event.
/// </summary>
internal sealed class ResponsesPassthroughCodec(string answerId, string? previousResponseId) : AnswerCodec
{
    private ReadOnlyMemory<byte> _answer;
    private ReadOnlyMemory<byte> _frame;
    private string? _event;
    private bool _comment;
    private bool _forward;
    private long _lastSequence = -1;
    private byte[]? _completed;

    public override BodyReading ReadBody(ReadOnlyMemory<byte> body, string provider)
    {
        _answer = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new BodyReading(new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' returned a response that is not a JSON object"), null, 0);
            }

            var failed = root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "failed";
            if (failed || (!root.TryGetProperty("output", out _) && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object))
            {
                // An error sent with HTTP 200 is still an error: not billed, and another deployment may be tried.
                return new BodyReading(ProviderErrorReader.Read(502, body.Span, retryAfter: null) with { UpstreamStatus = null }, null, 0);
            }

            TokenUsage? usage = root.TryGetProperty("usage", out var usageElement) && ResponsesUsage.TryRead(usageElement, out var tokens) ? tokens : null;
            var generated = ResponsesFrame.GeneratedBytes(root);
            _answer = ResponsesIdentity.Rewrite(body.Span, answerId, previousResponseId);
            return new BodyReading(null, usage, generated);
        }
        catch (JsonException)
        {
            return new BodyReading(new ProviderFailure(ProviderFailureKind.UpstreamError, null, $"provider '{provider}' returned a response that is not valid JSON"), null, 0);
        }
    }

    public override ReadOnlyMemory<byte> EncodeBody(TokenUsage counted) => _answer;

    public override ReadOnlyMemory<byte>? AnswerToKeep(TokenUsage counted) => _completed ?? (_answer.IsEmpty ? null : _answer);

    public override bool IsError(SseReader frame) => frame.Kind == SseFrameKind.Data && ResponsesFrame.Read(frame.EventName, frame.Data.Span).IsFailure;

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

        var read = ResponsesFrame.Read(_event, _frame.Span);
        _lastSequence = Math.Max(_lastSequence, read.Sequence ?? _lastSequence);
        if (ResponsesIdentity.CarriesResponse(read.Type))
        {
            _frame = ResponsesIdentity.RewriteEvent(_frame.Span, answerId, previousResponseId);
        }

        if (read.IsTerminal)
        {
            // Held back: written by WriteCompletion once the ledger line is durable.
            _forward = false;
            _event ??= read.Type;
            _completed = read.Response is { } whole ? ResponsesIdentity.Rewrite(whole, answerId, previousResponseId) : null;
            return new FrameReading(read.TextBytes, read.Usage, FrameEnd.Completed);
        }

        return new FrameReading(read.TextBytes, null, read.IsFailure ? FrameEnd.UpstreamError : FrameEnd.None);
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
            WriteFrame(client);
        }
    }

    public override void WriteCompletion(IBufferWriter<byte> client, TokenUsage counted) => WriteFrame(client);

    public override void WriteFailure(IBufferWriter<byte> client, GatewayError error)
    {
        SseFrames.WriteEvent(client, "error"u8, JsonOutput.Write((error, sequence: ++_lastSequence), static (json, s) =>
        {
            json.WriteStartObject();
            json.WriteString("type", ResponsesEvents.Error);
            json.WriteNumber("sequence_number", s.sequence);
            json.WriteString("code", s.error.Code);
            json.WriteString("message", s.error.Message);
            json.WriteNull("param");
            json.WriteEndObject();
        }));
        SseFrames.WriteEvent(client, "response.failed"u8, JsonOutput.Write((error, sequence: ++_lastSequence, id: answerId), static (json, s) =>
        {
            json.WriteStartObject();
            json.WriteString("type", ResponsesEvents.Failed);
            json.WriteNumber("sequence_number", s.sequence);
            json.WriteStartObject("response");
            json.WriteString("id", s.id);
            json.WriteString("object", "response");
            json.WriteString("status", "failed");
            json.WriteStartObject("error");
            json.WriteString("code", s.error.Code);
            json.WriteString("message", s.error.Message);
            json.WriteEndObject();
            json.WriteStartArray("output");
            json.WriteEndArray();
            json.WriteNull("usage");
            json.WriteEndObject();
            json.WriteEndObject();
        }));
    }

    private void WriteFrame(IBufferWriter<byte> client)
    {
        if (_event is null)
        {
            SseFrames.WriteData(client, _frame.Span);
        }
        else
        {
            SseFrames.WriteEvent(client, System.Text.Encoding.UTF8.GetBytes(_event), _frame.Span);
        }
    }
}
