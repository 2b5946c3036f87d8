using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Responses;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// What a Responses request says about state, for any upstream: whether its answer is kept
/// (<c>store</c>, true unless the request says false), which stored response it continues
/// (<c>previous_response_id</c>), and its input as items. A continued request is rebuilt into one that
/// stands alone — the stored conversation's items, then its own — so every upstream, with or
/// without a notion of stored responses, gets the whole conversation.
/// </summary>
public static class ResponsesConversation
{
    public static ConversationRequest Read(ReadOnlySpan<byte> body)
    {
        if (KeepsNothing(body))
        {
            // Nothing to keep, continue or check (as Codex CLI sends it): the decoder reads the text.
            return new ConversationRequest(null, false, []);
        }

        var root = JsonRead.ParseRoot(body);
        var store = JsonRead.OptionalBool(root, "store", "") ?? true;
        var previous = JsonRead.OptionalString(root, "previous_response_id", "");
        if (!JsonRead.TryGet(root, "input", out var input))
        {
            throw new TranslationException("input", "is required");
        }

        if (!store && previous is null && input.ValueKind == JsonValueKind.String)
        {
            // Nothing to keep, continue or check (as Codex CLI sends it): the decoder reads the text.
            return new ConversationRequest(null, false, []);
        }

        var items = Items(input);
        if (previous is null)
        {
            CheckCalls([], items);
        }

        // Items are copied out only for a request whose input is kept or continued.
        return new ConversationRequest(previous, store, store || previous is not null ? items.ConvertAll(static i => JsonOutput.Compact(i)) : []);
    }

    /// <summary>
    /// The request neither kept nor continued, with text for input — <c>store: false</c>, no
    /// <c>previous_response_id</c> — told in one forward read without a document. Anything else
    /// (another shape, a repeated or mistyped member) answers false and takes the full read, which
    /// gives the same answer or the precise error.
    /// </summary>
    private static bool KeepsNothing(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        bool? store = null;
        bool sawStore = false, sawPrevious = false, textInput = false, sawInput = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("store"u8))
                {
                    if (sawStore || !reader.Read() || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    {
                        return false;
                    }

                    sawStore = true;
                    store = reader.TokenType == JsonTokenType.Null ? null : reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("previous_response_id"u8))
                {
                    if (sawPrevious || !reader.Read() || reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }

                    sawPrevious = true;
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    if (sawInput || !reader.Read())
                    {
                        return false;
                    }

                    sawInput = true;
                    textInput = reader.TokenType == JsonTokenType.String;
                    reader.Skip();
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    return false;
                }
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && store == false && textInput;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The items a stored conversation contributes, oldest first: each response's input items, then
    /// its output items. Ids are left out of what the upstream gets (they are Ciyuan's, or another
    /// endpoint's) except on reasoning items, whose id a native endpoint may need to find them.
    /// </summary>
    public static List<string> History(ConversationChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var history = new List<string>();
        foreach (var response in chain.Responses)
        {
            foreach (var item in response.InputItems)
            {
                history.Add(WithoutId(item.Json));
            }

            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in output.EnumerateArray())
                {
                    history.Add(WithoutId(JsonOutput.Compact(item)));
                }
            }
        }

        return history;
    }

    /// <summary>The request with <paramref name="history"/> before its own input; every call output must answer a call made before it.</summary>
    public static byte[] Continue(ReadOnlySpan<byte> body, IReadOnlyList<string> history, IReadOnlyList<string> input)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(input);
        var root = JsonRead.ParseRoot(body);
        var earlier = history.Select(static h => JsonDocument.Parse(h).RootElement).ToList();
        CheckCalls(earlier, input.Select(static i => JsonDocument.Parse(i).RootElement).ToList());
        return JsonOutput.Write((root, history, input), static (json, state) =>
        {
            json.WriteStartObject();
            foreach (var property in state.root.EnumerateObject())
            {
                json.WritePropertyName(property.Name);
                if (property.Name != "input")
                {
                    property.Value.WriteTo(json);
                    continue;
                }

                json.WriteStartArray();
                foreach (var item in state.history.Concat(state.input))
                {
                    json.WriteRawValue(item, skipInputValidation: true);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        });
    }

    /// <summary>The request's own input items as they are kept: each with an id (<c>msg_…</c>, <c>fc_…</c>… when the client sent none).</summary>
    public static List<StoredItem> Identify(IReadOnlyList<string> items, string responseId)
    {
        ArgumentNullException.ThrowIfNull(items);
        var identified = new List<StoredItem>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            using var document = JsonDocument.Parse(items[i]);
            var root = document.RootElement;
            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } given)
            {
                identified.Add(new StoredItem(given, items[i]));
                continue;
            }

            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : ResponsesItemTypes.Message;
            var assigned = ResponsesIds.Item(Prefix(type), responseId, i) + "_in";
            var json = JsonOutput.Write((root, assigned), static (writer, state) =>
            {
                writer.WriteStartObject();
                writer.WriteString("id", state.assigned);
                foreach (var property in state.root.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
            });
            identified.Add(new StoredItem(assigned, System.Text.Encoding.UTF8.GetString(json)));
        }

        return identified;
    }

    private static string Prefix(string type) => type switch
    {
        ResponsesItemTypes.FunctionCall => "fc",
        ResponsesItemTypes.FunctionCallOutput => "fco",
        ResponsesItemTypes.CustomToolCall => "ctc",
        ResponsesItemTypes.CustomToolCallOutput => "ctco",
        ResponsesItemTypes.Reasoning => "rs",
        _ => "msg",
    };

    /// <summary>The input as items: a string is one user message; each item must be an object of a type the Responses API defines.</summary>
    private static List<JsonElement> Items(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            var message = JsonOutput.Write(JsonRead.Text(input, "input"), static (json, text) =>
            {
                json.WriteStartObject();
                json.WriteString("type", ResponsesItemTypes.Message);
                json.WriteString("role", "user");
                json.WriteStartArray("content");
                json.WriteStartObject();
                json.WriteString("type", "input_text");
                json.WriteString("text", text);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            });
            return [JsonDocument.Parse(message).RootElement];
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException("input", "must be a string or an array of items");
        }

        var items = new List<JsonElement>(input.GetArrayLength());
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            var path = $"input[{i++}]";
            JsonRead.RequireObject(item, path);
            var type = JsonRead.OptionalString(item, "type", path);
            if (type is null && !JsonRead.TryGet(item, "role", out _))
            {
                throw new TranslationException(JsonRead.Path(path, "type"), "is required");
            }

            if (type is not null && !ResponsesItemTypes.IsKnown(type))
            {
                throw new TranslationException(JsonRead.Path(path, "type"), $"unknown item type \"{type}\"");
            }

            items.Add(item);
        }

        return items;
    }

    /// <summary>Every function or custom tool call output answers a call made earlier in the conversation.</summary>
    private static void CheckCalls(IReadOnlyList<JsonElement> history, IReadOnlyList<JsonElement> input)
    {
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in history)
        {
            AddCall(item, calls);
        }

        for (var i = 0; i < input.Count; i++)
        {
            var item = input[i];
            AddCall(item, calls);
            var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is ResponsesItemTypes.FunctionCallOutput or ResponsesItemTypes.CustomToolCallOutput)
            {
                var path = $"input[{i}].call_id";
                var id = item.TryGetProperty("call_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : throw new TranslationException(path, "is required");
                if (!calls.Contains(id))
                {
                    throw new TranslationException(path, $"no function_call or custom_tool_call with call_id '{id}' comes before this output in the conversation");
                }
            }
        }
    }

    private static void AddCall(JsonElement item, HashSet<string> calls)
    {
        if (item.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() is ResponsesItemTypes.FunctionCall or ResponsesItemTypes.CustomToolCall
            && item.TryGetProperty("call_id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            calls.Add(id.GetString()!);
        }
    }

    private static string WithoutId(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("id", out _) || (root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == ResponsesItemTypes.Reasoning))
        {
            return json;
        }

        return System.Text.Encoding.UTF8.GetString(JsonOutput.Write(root, static (writer, element) =>
        {
            writer.WriteStartObject();
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name != "id")
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }));
    }
}

/// <summary>What a Responses request asks of the store: the response it continues, whether to keep its answer, and its input items (JSON; empty when the request neither keeps nor continues).</summary>
public sealed record ConversationRequest(string? PreviousResponseId, bool Store, IReadOnlyList<string> InputItems);
