using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Canonical stream events → Anthropic SSE bytes (docs/dialects.md, streaming OpenAI chunks →
/// Anthropic events). One block is open at a time
/// and indices count every block; <c>message_delta</c> is held after the finish until usage arrives
/// (OpenAI upstreams send usage in a later chunk) or <see cref="Complete"/>; after an
/// <c>error</c> event nothing else is written. Not thread-safe: one instance per response.
/// </summary>
public sealed class AnthropicStreamEncoder : IStreamEncoder
{
    private readonly Dictionary<int, int> _toolBlocks = [];
    private readonly string? _id;
    private readonly string? _model;
    private bool _started;
    private bool _ended;
    private AnthropicBlockKind _open;
    private int _openIndex;
    private int _nextIndex;
    private bool _signed;
    private TokenUsage? _usage;
    private ResponseFinished? _finish;

    /// <summary>Uses the id and model of the upstream's <see cref="ResponseStarted"/>.</summary>
    public AnthropicStreamEncoder()
    {
    }

    /// <summary>Overrides the upstream's id and model (the gateway shows its own id and the client's model name).</summary>
    public AnthropicStreamEncoder(string? id, string? model)
    {
        _id = id;
        _model = model;
    }

    /// <summary>
    /// Close a thinking block that had no signature with an empty <c>signature_delta</c>, as
    /// Anthropic clients expect one per thinking block; the decoder treats empty as unsigned.
    /// </summary>
    public bool EmitEmptySignature { get; init; } = true;

    /// <summary>
    /// The prompt's token count for <c>message_start</c> when the upstream reports usage only at the
    /// end (OpenAI-dialect streams); the final split into cached and uncached input comes with
    /// <c>message_delta</c>.
    /// </summary>
    public long? InputTokens { get; init; }

    public void Write(StreamEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_ended)
        {
            return;
        }

        switch (e)
        {
            case ResponseStarted started:
                Start(started.Id, started.Model, started.InputUsage, output);
                break;
            case KeepAlive:
                WriteTypeOnly(output, "ping"u8, "ping");
                break;
            case TextDelta { Text.Length: > 0 } text:
                Open(AnthropicBlockKind.Text, output);
                Delta(output, _openIndex, "text_delta", "text", text.Text);
                break;
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                Open(AnthropicBlockKind.Thinking, output);
                Delta(output, _openIndex, "thinking_delta", "thinking", reasoning.Text);
                break;
            case ReasoningSignature signature:
                Open(AnthropicBlockKind.Thinking, output);
                Delta(output, _openIndex, "signature_delta", "signature", signature.Signature);
                _signed = true;
                break;
            case RedactedReasoning redacted:
                WriteRedacted(redacted.Data, output);
                break;
            case ToolCallStarted call:
                StartTool(call, output);
                break;
            case ToolCallArgumentsDelta { Json.Length: > 0 } arguments when _toolBlocks.TryGetValue(arguments.Index, out var block):
                // Normally the open block; a late fragment for an earlier call keeps that call's
                // index (Anthropic SDKs accumulate by index) rather than being lost.
                Delta(output, block, "input_json_delta", "partial_json", arguments.Json);
                break;
            case UsageReported usage:
                _usage = usage.Usage;
                if (_finish is not null)
                {
                    Finish(output);
                }

                break;
            case ResponseFinished finished:
                Finished(finished, output);
                break;
            case StreamError error:
                Error(error.Type, error.Message, output);
                break;
            default:
                break;
        }
    }

    /// <summary>Ends the stream; without a prior finish the stream was cut short and ends in an error event.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        if (_finish is null)
        {
            Error("api_error", "the upstream stream ended before the response was complete", output);
            return;
        }

        Finish(output);
    }

    private void Start(string id, string model, TokenUsage? inputUsage, IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _usage ??= inputUsage;
        using var json = Event(output, "message_start"u8);
        json.WriteString("type", "message_start");
        json.WriteStartObject("message");
        json.WriteString("id", _id ?? id);
        json.WriteString("type", "message");
        json.WriteString("role", "assistant");
        json.WriteString("model", _model ?? model);
        json.WriteStartArray("content");
        json.WriteEndArray();
        json.WriteNull("stop_reason");
        json.WriteNull("stop_sequence");
        json.WriteStartObject("usage");
        AnthropicUsage.Write(json, inputUsage ?? (InputTokens is { } input ? new TokenUsage(input, 0, 0, 0, 0) : default));
        json.WriteEndObject();
        json.WriteEndObject();
        EndEvent(json, output);
    }

    private void Open(AnthropicBlockKind kind, IBufferWriter<byte> output)
    {
        // A signature seals a thinking block: more thinking after it is a new block.
        if (_open == kind && !(kind == AnthropicBlockKind.Thinking && _signed))
        {
            return;
        }

        CloseOpen(output);
        using var json = StartBlock(output);
        json.WriteString("type", kind == AnthropicBlockKind.Text ? "text" : "thinking");
        json.WriteString(kind == AnthropicBlockKind.Text ? "text" : "thinking", "");
        EndStartBlock(json, output);
        _open = kind;
    }

    private void StartTool(ToolCallStarted call, IBufferWriter<byte> output)
    {
        CloseOpen(output);
        _toolBlocks[call.Index] = _nextIndex;
        using var json = StartBlock(output);
        json.WriteString("type", "tool_use");
        json.WriteString("id", call.Id);
        json.WriteString("name", call.Name);
        json.WriteStartObject("input");
        json.WriteEndObject();
        EndStartBlock(json, output);
        _open = AnthropicBlockKind.ToolUse;
    }

    private void WriteRedacted(string data, IBufferWriter<byte> output)
    {
        CloseOpen(output);
        using var json = StartBlock(output);
        json.WriteString("type", "redacted_thinking");
        json.WriteString("data", data);
        EndStartBlock(json, output);
        _open = AnthropicBlockKind.ToolUse;
        CloseOpen(output);
    }

    private Utf8JsonWriter StartBlock(IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        _openIndex = _nextIndex++;
        _signed = false;
        var json = Event(output, "content_block_start"u8);
        json.WriteString("type", "content_block_start");
        json.WriteNumber("index", _openIndex);
        json.WriteStartObject("content_block");
        return json;
    }

    private static void EndStartBlock(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        EndEvent(json, output);
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_open == AnthropicBlockKind.None)
        {
            return;
        }

        if (_open == AnthropicBlockKind.Thinking && !_signed && EmitEmptySignature)
        {
            Delta(output, _openIndex, "signature_delta", "signature", "");
        }

        using var json = Event(output, "content_block_stop"u8);
        json.WriteString("type", "content_block_stop");
        json.WriteNumber("index", _openIndex);
        EndEvent(json, output);
        _open = AnthropicBlockKind.None;
    }

    private void Delta(IBufferWriter<byte> output, int index, string deltaType, string field, string value)
    {
        using var json = Event(output, "content_block_delta"u8);
        json.WriteString("type", "content_block_delta");
        json.WriteNumber("index", index);
        json.WriteStartObject("delta");
        json.WriteString("type", deltaType);
        json.WriteString(field, value);
        json.WriteEndObject();
        EndEvent(json, output);
    }

    /// <summary>An upstream that gave up (<see cref="FinishReason.Error"/>) is reported as an error, not a clean stop.</summary>
    private void Finished(ResponseFinished finished, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        CloseOpen(output);
        if (finished.Reason == FinishReason.Error)
        {
            Error("api_error", $"the upstream stopped generating ({finished.RawReason ?? "error"})", output);
            return;
        }

        _finish = finished;
    }

    private void Finish(IBufferWriter<byte> output)
    {
        var finish = _finish!;
        using var json = Event(output, "message_delta"u8);
        json.WriteString("type", "message_delta");
        json.WriteStartObject("delta");
        var stopReason = AnthropicStopReasons.FromCanonical(finish.Reason, finish.RawReason, finish.StopSequence);
        json.WriteString("stop_reason", stopReason);
        if (stopReason == "stop_sequence" && finish.StopSequence is { } sequence)
        {
            json.WriteString("stop_sequence", sequence);
        }
        else
        {
            json.WriteNull("stop_sequence");
        }

        json.WriteEndObject();
        json.WriteStartObject("usage");
        AnthropicUsage.Write(json, _usage ?? default);
        json.WriteEndObject();
        EndEvent(json, output);
        WriteTypeOnly(output, "message_stop"u8, "message_stop");
        _ended = true;
    }

    private void Error(string type, string message, IBufferWriter<byte> output)
    {
        using var json = Event(output, "error"u8);
        json.WriteString("type", "error");
        json.WriteStartObject("error");
        json.WriteString("type", AnthropicErrors.NormalizeType(type));
        json.WriteString("message", message);
        json.WriteEndObject();
        EndEvent(json, output);
        _ended = true;
    }

    /// <summary>Content before any <see cref="ResponseStarted"/> still needs a <c>message_start</c> first.</summary>
    private void EnsureStarted(IBufferWriter<byte> output) => Start("msg_gateway", "", null, output);

    /// <summary>Writes <c>event: name\ndata: {</c> and returns the JSON writer positioned inside the object.</summary>
    private static Utf8JsonWriter Event(IBufferWriter<byte> output, ReadOnlySpan<byte> name)
    {
        output.Write(SseBytes.EventPrefix);
        output.Write(name);
        output.Write("\n"u8);
        output.Write(SseBytes.DataPrefix);
        var json = new Utf8JsonWriter(output, JsonOutput.Options);
        json.WriteStartObject();
        return json;
    }

    /// <summary>Closes the data object and the SSE frame; the JSON must be flushed before the frame end is appended.</summary>
    private static void EndEvent(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.Flush();
        output.Write(SseBytes.FrameEnd);
    }

    private static void WriteTypeOnly(IBufferWriter<byte> output, ReadOnlySpan<byte> name, string type)
    {
        using var json = Event(output, name);
        json.WriteString("type", type);
        EndEvent(json, output);
    }
}
