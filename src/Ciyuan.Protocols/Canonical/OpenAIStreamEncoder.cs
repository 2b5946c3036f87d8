using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// Canonical events → OpenAI chunk frames (docs/dialects.md, streaming Anthropic events → OpenAI
/// chunks): <c>data: {chunk}\n\n</c>, tool-call
/// indices counting tool calls only, a finish chunk, then at <see cref="Complete"/> the usage chunk
/// (when asked for) and <c>data: [DONE]</c>. An error is written as <c>data: {"error":…}</c> and
/// ends the stream without <c>[DONE]</c>. Not thread-safe: one instance per response.
/// </summary>
public sealed class OpenAIStreamEncoder : IStreamEncoder
{
    private readonly string _id;
    private readonly string _model;
    private readonly bool _includeUsage;
    private readonly long _created;
    private readonly Dictionary<int, int> _toolIndices = [];
    private bool _started;
    private bool _finished;
    private bool _ended;
    private TokenUsage? _usage;

    public OpenAIStreamEncoder(string id, string model, bool includeUsage)
        : this(id, model, includeUsage, DateTimeOffset.UtcNow.ToUnixTimeSeconds())
    {
    }

    public OpenAIStreamEncoder(string id, string model, bool includeUsage, long created)
    {
        _id = id;
        _model = model;
        _includeUsage = includeUsage;
        _created = created;
    }

    /// <summary>Field for reasoning deltas: <c>reasoning_content</c> (default) or <c>reasoning</c>.</summary>
    public string ReasoningField { get; init; } = "reasoning_content";

    /// <summary>
    /// Send thinking signatures and redacted thinking as <c>reasoning_details</c> entries, so a
    /// client that keeps them can replay signed thinking to an Anthropic upstream.
    /// </summary>
    public bool IncludeReasoningDetails { get; init; } = true;

    /// <summary>Write <c>: keep-alive</c> comments for <see cref="KeepAlive"/> (some proxies close idle streams).</summary>
    public bool WriteKeepAlive { get; init; } = true;

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
            case KeepAlive when WriteKeepAlive:
                output.Write(": keep-alive\n\n"u8);
                break;
            case TextDelta { Text.Length: > 0 } text:
                WriteDelta(output, text.Text, static (json, value) => json.WriteString("content", value));
                break;
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                WriteDelta(output, (reasoning.Text, ReasoningField), static (json, state) => json.WriteString(state.ReasoningField, state.Text));
                break;
            case ReasoningSignature signature when IncludeReasoningDetails:
                WriteDelta(output, signature.Signature, static (json, value) => WriteDetail(json, "reasoning.text", "signature", value));
                break;
            case RedactedReasoning redacted when IncludeReasoningDetails:
                WriteDelta(output, redacted.Data, static (json, value) => WriteDetail(json, "reasoning.encrypted", "data", value));
                break;
            case ToolCallStarted call:
                var index = _toolIndices.Count;
                _toolIndices[call.Index] = index;
                WriteDelta(output, (call, index), static (json, state) => WriteToolCall(json, state.index, state.call.Id, state.call.Name, ""));
                break;
            case ToolCallArgumentsDelta { Json.Length: > 0 } arguments when _toolIndices.TryGetValue(arguments.Index, out var toolIndex):
                WriteDelta(output, (arguments.Json, toolIndex), static (json, state) => WriteToolCall(json, state.toolIndex, null, null, state.Json));
                break;
            case UsageReported usage:
                _usage = usage.Usage;
                break;
            case ResponseFinished finished:
                Finish(finished, output);
                break;
            case StreamError error:
                WriteError(error.Type, error.Message, output);
                break;
            default:
                break;
        }
    }

    /// <summary>Ends the stream; without a prior finish the stream was cut short and ends in an error.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        if (!_finished)
        {
            WriteError("api_error", "the upstream stream ended before the response was complete", output);
            return;
        }

        if (_includeUsage)
        {
            using var json = StartChunk(output, choices: false);
            OpenAIUsage.Write(json, _usage ?? default);
            EndChunk(json, output);
        }

        output.Write(SseBytes.DoneFrame);
        _ended = true;
    }

    /// <summary>An upstream that gave up (<see cref="FinishReason.Error"/>) is reported as an error, not a clean stop.</summary>
    private void Finish(ResponseFinished finished, IBufferWriter<byte> output)
    {
        if (finished.Reason == FinishReason.Error)
        {
            WriteError("api_error", $"the upstream stopped generating ({finished.RawReason ?? "error"})", output);
            return;
        }

        EnsureStarted(output);
        using var json = StartChunk(output, choices: true);
        json.WriteStartObject("delta");
        json.WriteEndObject();
        json.WriteString("finish_reason", OpenAIFinishReasons.FromCanonical(finished.Reason));
        EndChoiceChunk(json, output);
        _finished = true;
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        using var json = StartChunk(output, choices: true);
        json.WriteStartObject("delta");
        json.WriteString("role", "assistant");
        json.WriteString("content", "");
        json.WriteEndObject();
        json.WriteNull("finish_reason");
        EndChoiceChunk(json, output);
    }

    private void WriteDelta<TState>(IBufferWriter<byte> output, TState state, Action<Utf8JsonWriter, TState> writeMembers)
    {
        EnsureStarted(output);
        using var json = StartChunk(output, choices: true);
        json.WriteStartObject("delta");
        writeMembers(json, state);
        json.WriteEndObject();
        json.WriteNull("finish_reason");
        EndChoiceChunk(json, output);
    }

    private static void WriteToolCall(Utf8JsonWriter json, int index, string? id, string? name, string arguments)
    {
        json.WriteStartArray("tool_calls");
        json.WriteStartObject();
        json.WriteNumber("index", index);
        if (id is not null)
        {
            json.WriteString("id", id);
            json.WriteString("type", "function");
        }

        json.WriteStartObject("function");
        if (name is not null)
        {
            json.WriteString("name", name);
        }

        json.WriteString("arguments", arguments);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteDetail(Utf8JsonWriter json, string type, string field, string value)
    {
        json.WriteStartArray("reasoning_details");
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString(field, value);
        json.WriteString("format", OpenAIReasoningDetails.AnthropicFormat);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private void WriteError(string type, string message, IBufferWriter<byte> output)
    {
        output.Write(SseBytes.DataPrefix);
        using (var json = new Utf8JsonWriter(output, JsonOutput.Options))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteString("code", type);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        output.Write(SseBytes.FrameEnd);
        _ended = true;
    }

    /// <summary>Writes the chunk header up to the open <c>choices[0]</c> object (or <c>"choices":[]</c> for the usage chunk).</summary>
    private Utf8JsonWriter StartChunk(IBufferWriter<byte> output, bool choices)
    {
        output.Write(SseBytes.DataPrefix);
        var json = new Utf8JsonWriter(output, JsonOutput.Options);
        json.WriteStartObject();
        json.WriteString("id", _id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", _created);
        json.WriteString("model", _model);
        json.WriteStartArray("choices");
        if (choices)
        {
            json.WriteStartObject();
            json.WriteNumber("index", 0);
        }
        else
        {
            json.WriteEndArray();
        }

        return json;
    }

    private void EndChoiceChunk(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.WriteEndArray();
        if (_includeUsage)
        {
            json.WriteNull("usage");
        }

        EndChunk(json, output);
    }

    private static void EndChunk(Utf8JsonWriter json, IBufferWriter<byte> output)
    {
        json.WriteEndObject();
        json.Flush();
        output.Write(SseBytes.FrameEnd);
    }
}
