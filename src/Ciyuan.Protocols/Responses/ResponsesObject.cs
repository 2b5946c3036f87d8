using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Writes a Responses object (<c>"object": "response"</c>): its id and status, the output so far,
/// usage once known, and the request's own settings repeated as OpenAI's API repeats them (from
/// <see cref="ChatRequest.Echo"/>, with OpenAI's defaults where the request said nothing).
/// </summary>
internal sealed class ResponsesObject(string id, string model, long createdAt, ChatRequest request)
{
    public string Id { get; } = id;

    public long CreatedAt { get; } = createdAt;

    /// <summary>Writes the object as the value of <paramref name="property"/>, or as a whole document when null.</summary>
    public void Write(Utf8JsonWriter json, string? property, ResponseState state, IReadOnlyList<ResponsesOutputItem> output, TokenUsage? usage)
    {
        if (property is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(property);
        }

        json.WriteString("id", Id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", CreatedAt);
        json.WriteString("status", state.Status);
        json.WriteBoolean("background", false);
        if (state.ErrorCode is { } code)
        {
            json.WriteStartObject("error");
            json.WriteString("code", code);
            json.WriteString("message", state.ErrorMessage ?? code);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error");
        }

        if (state.IncompleteReason is { } reason)
        {
            json.WriteStartObject("incomplete_details");
            json.WriteString("reason", reason);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details");
        }

        Echo(json, "instructions", static j => j.WriteNullValue());
        Echo(json, "max_output_tokens", static j => j.WriteNullValue());
        json.WriteString("model", model);
        json.WriteStartArray("output");
        foreach (var item in output)
        {
            item.Write(json);
        }

        json.WriteEndArray();
        Echo(json, "parallel_tool_calls", static j => j.WriteBooleanValue(true));
        Echo(json, "previous_response_id", static j => j.WriteNullValue());
        Echo(json, "prompt_cache_key", static j => j.WriteNullValue());
        Echo(json, "reasoning", static j =>
        {
            j.WriteStartObject();
            j.WriteNull("effort");
            j.WriteNull("summary");
            j.WriteEndObject();
        });
        Echo(json, "safety_identifier", static j => j.WriteNullValue());
        Echo(json, "store", static j => j.WriteBooleanValue(true));
        Echo(json, "temperature", static j => j.WriteNumberValue(1));
        Echo(json, "text", static j =>
        {
            j.WriteStartObject();
            j.WriteStartObject("format");
            j.WriteString("type", "text");
            j.WriteEndObject();
            j.WriteEndObject();
        });
        Echo(json, "tool_choice", static j => j.WriteStringValue("auto"));
        Echo(json, "tools", static j =>
        {
            j.WriteStartArray();
            j.WriteEndArray();
        });
        Echo(json, "top_p", static j => j.WriteNumberValue(1));
        Echo(json, "truncation", static j => j.WriteStringValue("disabled"));
        if (usage is { } tokens)
        {
            ResponsesUsage.Write(json, tokens);
        }
        else
        {
            json.WriteNull("usage");
        }

        Echo(json, "user", static j => j.WriteNullValue());
        Echo(json, "metadata", static j =>
        {
            j.WriteStartObject();
            j.WriteEndObject();
        });
        json.WriteEndObject();
    }

    private void Echo(Utf8JsonWriter json, string name, Action<Utf8JsonWriter> fallback)
    {
        json.WritePropertyName(name);
        if (request.Echo.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            value.WriteTo(json);
        }
        else
        {
            fallback(json);
        }
    }
}

/// <summary>Where a response stands: <c>in_progress</c>, <c>completed</c>, <c>incomplete</c> (and why) or <c>failed</c> (and why).</summary>
internal readonly record struct ResponseState(string Status, string? IncompleteReason = null, string? ErrorCode = null, string? ErrorMessage = null)
{
    public static ResponseState InProgress { get; } = new("in_progress");

    /// <summary>The end state for a canonical finish: a length or content-filter stop is incomplete, not completed.</summary>
    public static ResponseState Finished(FinishReason reason) => reason switch
    {
        FinishReason.Length => new("incomplete", "max_output_tokens"),
        FinishReason.ContentFilter => new("incomplete", "content_filter"),
        _ => new("completed"),
    };

    public static ResponseState Failed(string code, string message) => new("failed", null, code, message);
}
