using System.Text;
using System.Text.Json;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// One item of a Responses answer's <c>output</c> as it is built — from a whole answer, or event by
/// event from a stream — and written in Responses' shape (in progress while it streams, completed
/// once done).
/// </summary>
internal abstract class ResponsesOutputItem(string id)
{
    public string Id { get; } = id;

    /// <summary>The id as written in every event of the item (encoded once, not per delta).</summary>
    public JsonEncodedText EncodedId { get; } = JsonEncodedText.Encode(id);

    /// <summary>Position in <c>output</c>.</summary>
    public int OutputIndex { get; init; }

    public bool Done { get; set; }

    public abstract void Write(Utf8JsonWriter json);
}

/// <summary>A reasoning item: the upstream's reasoning as summary text, and what must come back sealed (<see cref="ReasoningEnvelope"/>).</summary>
internal sealed class ReasoningOutputItem(string id) : ResponsesOutputItem(id)
{
    public StringBuilder Text { get; } = new();

    public string? Signature { get; set; }

    public string? RedactedData { get; set; }

    public override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", Id);
        json.WriteString("type", "reasoning");
        json.WriteStartArray("summary");
        if (Done && Text.Length > 0)
        {
            json.WriteStartObject();
            json.WriteString("type", "summary_text");
            json.WriteString("text", Text.ToString());
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (Done && (Signature is not null || RedactedData is not null))
        {
            json.WriteString("encrypted_content", ReasoningEnvelope.Seal(RedactedData is null ? Text.ToString() : null, Signature, RedactedData));
        }

        json.WriteEndObject();
    }
}

/// <summary>An assistant message with one <c>output_text</c> part.</summary>
internal sealed class MessageOutputItem(string id) : ResponsesOutputItem(id)
{
    private string? _finalText;

    public StringBuilder Text { get; } = new();

    /// <summary>The whole text, once nothing more is appended (made once: it is written in four events).</summary>
    public string FinalText => _finalText ??= Text.ToString();

    public override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", Id);
        json.WriteString("type", "message");
        json.WriteString("status", Done ? "completed" : "in_progress");
        json.WriteString("role", "assistant");
        json.WriteStartArray("content");
        if (Done)
        {
            WritePart(json, FinalText);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WritePart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "output_text");
        json.WriteStartArray("annotations");
        json.WriteEndArray();
        json.WriteStartArray("logprobs");
        json.WriteEndArray();
        json.WriteString("text", text);
        json.WriteEndObject();
    }
}

/// <summary>A function call, or a custom tool's call (<see cref="Freeform"/>: raw text instead of JSON arguments).</summary>
internal sealed class CallOutputItem(string id, string callId, string name, string? space, bool freeform) : ResponsesOutputItem(id)
{
    public string CallId { get; } = callId;

    public string Name { get; } = name;

    public string? Namespace { get; } = space;

    public bool Freeform { get; } = freeform;

    /// <summary>The arguments as the model wrote them (for a custom tool, <c>{"input": …}</c>).</summary>
    public StringBuilder Arguments { get; } = new();

    /// <summary>A custom tool's raw text, read out of its arguments.</summary>
    public string Input => FreeformInput.FromArguments(Arguments.ToString());

    public override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", Id);
        json.WriteString("type", Freeform ? "custom_tool_call" : "function_call");
        json.WriteString("status", Done ? "completed" : "in_progress");
        if (Freeform)
        {
            json.WriteString("call_id", CallId);
            json.WriteString("input", Done ? Input : "");
        }
        else
        {
            json.WriteString("arguments", Done ? Arguments.ToString() : "");
            json.WriteString("call_id", CallId);
        }

        json.WriteString("name", Name);
        if (Namespace is not null)
        {
            json.WriteString("namespace", Namespace);
        }

        json.WriteEndObject();
    }
}
