using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Canonical stream events → OpenAI Responses events (docs/dialects.md, "Streaming: canonical →
/// Responses"), numbered by <c>sequence_number</c> from 0: <c>response.created</c>,
/// <c>response.in_progress</c>, then item by item — <c>output_item.added</c>, the item's parts and
/// deltas, their <c>.done</c> events, <c>output_item.done</c> — and last <c>response.completed</c> (or
/// <c>response.incomplete</c> after a length or content-filter stop) with the usage reported to it.
/// One item is open at a time: a new one closes the one before. A failure writes an <c>error</c>
/// event and ends with <c>response.failed</c>; nothing follows. A custom tool's input is written whole
/// when its call closes, as the upstream streams it inside JSON arguments. Not thread-safe: one
/// instance per response.
/// </summary>
public sealed class ResponsesStreamEncoder : IWholeAnswerEncoder
{
    // Names written in every event, encoded once: a stream writes dozens of events, mostly deltas.
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText SequenceName = JsonEncodedText.Encode("sequence_number");
    private static readonly JsonEncodedText ItemIdName = JsonEncodedText.Encode("item_id");
    private static readonly JsonEncodedText OutputIndexName = JsonEncodedText.Encode("output_index");
    private static readonly JsonEncodedText ContentIndexName = JsonEncodedText.Encode("content_index");
    private static readonly JsonEncodedText SummaryIndexName = JsonEncodedText.Encode("summary_index");
    private static readonly JsonEncodedText DeltaName = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText LogprobsName = JsonEncodedText.Encode("logprobs");
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EventName> EventNames = new(StringComparer.Ordinal);

    private readonly ResponsesObject _response;
    private readonly ResponsesToolTable _tools;
    private readonly List<ResponsesOutputItem> _items = [];
    private readonly Dictionary<int, CallOutputItem> _calls = [];
    private ResponsesOutputItem? _open;
    private bool _summaryOpen;
    private int _sequence;
    private bool _started;
    private bool _ended;
    private TokenUsage? _usage;
    private ResponseFinished? _finish;
    private Utf8JsonWriter? _json;

    public ResponsesStreamEncoder(string id, string model, long createdAt, ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _response = new ResponsesObject(id, model, createdAt, request);
        _tools = new ResponsesToolTable(request.Tools);
    }

    public void Write(StreamEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_ended)
        {
            return;
        }

        switch (e)
        {
            case ResponseStarted:
                EnsureStarted(output);
                break;
            case KeepAlive:
                output.Write(": keep-alive\n\n"u8);
                break;
            case TextDelta { Text.Length: > 0 } text:
                var message = OpenMessage(output);
                message.Text.Append(text.Text);
                {
                    var json = Event(output, ResponsesEvents.OutputTextDelta);
                    ItemFields(json, message);
                    json.WriteNumber(ContentIndexName, 0);
                    json.WriteString(DeltaName, text.Text);
                    EmptyArray(json, LogprobsName);
                    EndEvent(json, output);
                }

                break;
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                var thinking = OpenReasoning(output);
                OpenSummary(thinking, output);
                thinking.Text.Append(reasoning.Text);
                {
                    var json = Event(output, ResponsesEvents.ReasoningSummaryTextDelta);
                    ItemFields(json, thinking);
                    json.WriteNumber(SummaryIndexName, 0);
                    json.WriteString(DeltaName, reasoning.Text);
                    EndEvent(json, output);
                }

                break;
            case ReasoningSignature signature:
                // A signature seals its reasoning: more reasoning after it is a new item.
                OpenReasoning(output).Signature = signature.Signature;
                break;
            case RedactedReasoning redacted:
                CloseOpen(output);
                var hidden = Add(new ReasoningOutputItem(NextId("rs")) { OutputIndex = _items.Count, RedactedData = redacted.Data }, output);
                _open = hidden;
                CloseOpen(output);
                break;
            case ToolCallStarted call:
                StartCall(call, output);
                break;
            case ToolCallArgumentsDelta { Json.Length: > 0 } arguments when _calls.TryGetValue(arguments.Index, out var target):
                target.Arguments.Append(arguments.Json);
                if (!target.Freeform)
                {
                    // Normally the open item; a late fragment of an earlier call keeps that call's item id.
                    var json = Event(output, ResponsesEvents.FunctionCallArgumentsDelta);
                    ItemFields(json, target);
                    json.WriteString(DeltaName, arguments.Json);
                    EndEvent(json, output);
                }

                break;
            case UsageReported usage:
                _usage = usage.Usage;
                break;
            case ResponseFinished finished:
                EnsureStarted(output);
                CloseOpen(output);
                if (finished.Reason == FinishReason.Error)
                {
                    Fail("upstream_error", $"the upstream stopped generating ({finished.RawReason ?? "error"})", output);
                }
                else
                {
                    _finish = finished;
                }

                break;
            case StreamError error:
                Fail(error.Code ?? error.Type, error.Message, output);
                break;
            default:
                break;
        }
    }

    /// <summary>Ends the stream with its terminal event; without a finish the upstream stopped short and the response failed.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        if (_finish is null)
        {
            Fail("stream_truncated", "the upstream stream ended before the response was complete", output);
            return;
        }

        var state = ResponseState.Finished(_finish.Reason);
        WriteResponseEvent(state.Status == "completed" ? ResponsesEvents.Completed : ResponsesEvents.Incomplete, state, output);
        _ended = true;
    }

    public byte[]? WholeAnswer(TokenUsage usage)
    {
        if (_finish is null)
        {
            return null;
        }

        var state = ResponseState.Finished(_finish.Reason);
        var items = _items.Where(static i => i.Done).ToList();
        return JsonOutput.Write((this, state, items, usage), static (json, s) => s.Item1._response.Write(json, null, s.state, s.items, s.usage));
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        WriteResponseEvent(ResponsesEvents.Created, ResponseState.InProgress, output);
        WriteResponseEvent(ResponsesEvents.InProgress, ResponseState.InProgress, output);
    }

    private MessageOutputItem OpenMessage(IBufferWriter<byte> output)
    {
        if (_open is MessageOutputItem open)
        {
            return open;
        }

        CloseOpen(output);
        var message = Add(new MessageOutputItem(NextId("msg")) { OutputIndex = _items.Count }, output);
        _open = message;
        var json = Event(output, ResponsesEvents.ContentPartAdded);
        ItemFields(json, message);
        json.WriteNumber(ContentIndexName, 0);
        json.WritePropertyName("part");
        MessageOutputItem.WritePart(json, "");
        EndEvent(json, output);
        return message;
    }

    private ReasoningOutputItem OpenReasoning(IBufferWriter<byte> output)
    {
        if (_open is ReasoningOutputItem { Signature: null } open)
        {
            return open;
        }

        CloseOpen(output);
        var reasoning = Add(new ReasoningOutputItem(NextId("rs")) { OutputIndex = _items.Count }, output);
        _open = reasoning;
        return reasoning;
    }

    private void OpenSummary(ReasoningOutputItem reasoning, IBufferWriter<byte> output)
    {
        if (_summaryOpen)
        {
            return;
        }

        _summaryOpen = true;
        var json = Event(output, ResponsesEvents.ReasoningSummaryPartAdded);
        ItemFields(json, reasoning);
        json.WriteNumber(SummaryIndexName, 0);
        SummaryPart(json, "");
        EndEvent(json, output);
    }

    private void StartCall(ToolCallStarted call, IBufferWriter<byte> output)
    {
        CloseOpen(output);
        var (name, space, freeform) = _tools.Resolve(call.Name);
        var item = Add(new CallOutputItem(NextId(freeform ? "ctc" : "fc"), call.Id, name, space, freeform) { OutputIndex = _items.Count }, output);
        _calls[call.Index] = item;
        _open = item;
    }

    /// <summary>Adds an item to the output and announces it.</summary>
    private T Add<T>(T item, IBufferWriter<byte> output)
        where T : ResponsesOutputItem
    {
        EnsureStarted(output);
        _items.Add(item);
        var json = Event(output, ResponsesEvents.OutputItemAdded);
        json.WriteNumber("output_index", item.OutputIndex);
        json.WritePropertyName("item");
        item.Write(json);
        EndEvent(json, output);
        return item;
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_open is not { } item)
        {
            return;
        }

        _open = null;
        switch (item)
        {
            case MessageOutputItem message:
                var text = message.FinalText;
                {
                    var json = Event(output, ResponsesEvents.OutputTextDone);
                    ItemFields(json, message);
                    json.WriteNumber(ContentIndexName, 0);
                    json.WriteString("text", text);
                    EmptyArray(json, LogprobsName);
                    EndEvent(json, output);
                }

                {
                    var json = Event(output, ResponsesEvents.ContentPartDone);
                    ItemFields(json, message);
                    json.WriteNumber(ContentIndexName, 0);
                    json.WritePropertyName("part");
                    MessageOutputItem.WritePart(json, text);
                    EndEvent(json, output);
                }

                break;
            case ReasoningOutputItem reasoning when _summaryOpen:
                _summaryOpen = false;
                var summary = reasoning.Text.ToString();
                {
                    var json = Event(output, ResponsesEvents.ReasoningSummaryTextDone);
                    ItemFields(json, reasoning);
                    json.WriteNumber(SummaryIndexName, 0);
                    json.WriteString("text", summary);
                    EndEvent(json, output);
                }

                {
                    var json = Event(output, ResponsesEvents.ReasoningSummaryPartDone);
                    ItemFields(json, reasoning);
                    json.WriteNumber(SummaryIndexName, 0);
                    SummaryPart(json, summary);
                    EndEvent(json, output);
                }

                break;
            case CallOutputItem { Freeform: true } custom:
                var input = custom.Input;
                if (input.Length > 0)
                {
                    var delta = Event(output, ResponsesEvents.CustomToolCallInputDelta);
                    ItemFields(delta, custom);
                    delta.WriteString("delta", input);
                    EndEvent(delta, output);
                }

                {
                    var json = Event(output, ResponsesEvents.CustomToolCallInputDone);
                    ItemFields(json, custom);
                    json.WriteString("input", input);
                    EndEvent(json, output);
                }

                break;
            case CallOutputItem call:
                {
                    var json = Event(output, ResponsesEvents.FunctionCallArgumentsDone);
                    ItemFields(json, call);
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", call.Arguments.ToString());
                    EndEvent(json, output);
                }

                break;
            default:
                break;
        }

        item.Done = true;
        var done = Event(output, ResponsesEvents.OutputItemDone);
        done.WriteNumber("output_index", item.OutputIndex);
        done.WritePropertyName("item");
        item.Write(done);
        EndEvent(done, output);
    }

    /// <summary>An <c>error</c> event, then <c>response.failed</c> as the last event: the response ended without an answer.</summary>
    private void Fail(string code, string message, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        _open = null;
        {
            var json = Event(output, ResponsesEvents.Error);
            json.WriteString("code", code);
            json.WriteString("message", message);
            json.WriteNull("param");
            EndEvent(json, output);
        }

        WriteResponseEvent(ResponsesEvents.Failed, ResponseState.Failed(code, message), output);
        _ended = true;
    }

    private void WriteResponseEvent(string name, ResponseState state, IBufferWriter<byte> output)
    {
        var json = Event(output, name);
        var done = state.Status != "in_progress";
        _response.Write(json, "response", state, done ? _items.Where(static i => i.Done).ToList() : [], done && state.Status != "failed" ? _usage : null);
        EndEvent(json, output);
    }

    private string NextId(string prefix) => ResponsesIds.Item(prefix, _response.Id, _items.Count);

    private static void ItemFields(Utf8JsonWriter json, ResponsesOutputItem item)
    {
        json.WriteString(ItemIdName, item.EncodedId);
        json.WriteNumber(OutputIndexName, item.OutputIndex);
    }

    private static void SummaryPart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject("part");
        json.WriteString("type", "summary_text");
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static void EmptyArray(Utf8JsonWriter json, JsonEncodedText name)
    {
        json.WriteStartArray(name);
        json.WriteEndArray();
    }

    /// <summary>
    /// Writes <c>event: name\ndata: {"type":…,"sequence_number":…</c> and returns the writer inside
    /// the object. One writer serves every event of the response (a stream has dozens).
    /// </summary>
    private Utf8JsonWriter Event(IBufferWriter<byte> output, string name)
    {
        var encoded = EventNames.GetOrAdd(name, EventName.Of);
        output.Write(encoded.Lines);
        var json = _json ??= new Utf8JsonWriter(output, JsonOutput.Options);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString(TypeName, encoded.Type);
        json.WriteNumber(SequenceName, _sequence++);
        return json;
    }

    private static void EndEvent(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.Flush();
        output.Write(SseBytes.FrameEnd);
    }

    /// <summary>An event's <c>event:</c> line with the <c>data:</c> prefix after it, and its <c>type</c> value, encoded once.</summary>
    private sealed record EventName(byte[] Lines, JsonEncodedText Type)
    {
        public static EventName Of(string name) =>
            new([.. SseBytes.EventPrefix, .. System.Text.Encoding.UTF8.GetBytes(name), (byte)'\n', .. SseBytes.DataPrefix], JsonEncodedText.Encode(name));
    }
}
