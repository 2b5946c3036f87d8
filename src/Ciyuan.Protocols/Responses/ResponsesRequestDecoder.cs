using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// OpenAI Responses request body → <see cref="ChatRequest"/> (docs/dialects.md, "OpenAI Responses").
/// <c>instructions</c> is the first system message, <c>input</c> the conversation; the fields the
/// canonical model has no place for get their fate from <see cref="ResponsesFieldFates"/>, and the
/// settings a Responses object repeats are kept in <see cref="ChatRequest.Echo"/>.
/// </summary>
internal static class ResponsesRequestDecoder
{
    /// <summary>Request members a response object repeats.</summary>
    private static readonly string[] Echoed =
    [
        "instructions", "max_output_tokens", "parallel_tool_calls", "previous_response_id", "reasoning", "store", "temperature",
        "text", "tool_choice", "tools", "top_p", "truncation", "metadata", "user", "safety_identifier", "prompt_cache_key", "include",
    ];

    public static ChatRequest Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        var fields = new List<SourceField>();
        foreach (var property in root.EnumerateObject())
        {
            if (!ResponsesFieldFates.Mapped.Contains(property.Name) && ResponsesFieldFates.Of(property.Name, property.Value) is { } fate)
            {
                fields.Add(fate);
            }
        }

        var tools = ResponsesToolDecoder.DecodeTools(root);
        var messages = new List<ChatMessage>();
        if (JsonRead.OptionalString(root, "instructions", "") is { Length: > 0 } instructions)
        {
            messages.Add(new ChatMessage(ChatRole.System, [new TextPart(instructions)]));
        }

        if (!JsonRead.TryGet(root, "input", out var input))
        {
            throw new TranslationException("input", "is required");
        }

        messages.AddRange(ResponsesInputDecoder.Decode(input));
        var echo = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in Echoed)
        {
            if (root.TryGetProperty(name, out var value))
            {
                echo[name] = value;
            }
        }

        return new ChatRequest
        {
            Model = JsonRead.RequiredString(root, "model", ""),
            Messages = messages,
            Tools = tools,
            ToolChoice = ResponsesToolDecoder.DecodeToolChoice(root, tools),
            ParallelToolCalls = JsonRead.OptionalBool(root, "parallel_tool_calls", ""),
            MaxOutputTokens = JsonRead.OptionalInt(root, "max_output_tokens", ""),
            Temperature = JsonRead.OptionalDouble(root, "temperature", ""),
            TopP = JsonRead.OptionalDouble(root, "top_p", ""),
            Reasoning = DecodeReasoning(root, fields),
            ResponseFormat = DecodeText(root, fields),
            User = JsonRead.OptionalString(root, "user", "") ?? JsonRead.OptionalString(root, "safety_identifier", ""),
            Stream = JsonRead.OptionalBool(root, "stream", "") ?? false,
            SourceDialect = Dialect.Responses,
            SourceFields = [.. fields, .. IncludeFates(root), .. TruncationFate(root)],
            Echo = echo,
        };
    }

    /// <summary><c>reasoning.effort</c> is the effort word; <c>none</c> turns thinking off where the vendor can.</summary>
    private static ReasoningConfig? DecodeReasoning(JsonElement root, List<SourceField> fields)
    {
        if (JsonRead.OptionalObject(root, "reasoning", "") is not { } reasoning)
        {
            return null;
        }

        foreach (var property in reasoning.EnumerateObject())
        {
            switch (property.Name)
            {
                case "effort":
                    break;
                case "summary" or "generate_summary":
                    if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        fields.Add(ResponsesFieldFates.Dropped("reasoning." + property.Name,
                            "the upstream's reasoning is given in full as the reasoning item's summary text, whatever detail was asked for"));
                    }

                    break;
                default:
                    fields.Add(ResponsesFieldFates.Refused("reasoning." + property.Name, "Ciyuan cannot tell whether leaving it out would change the answer"));
                    break;
            }
        }

        return JsonRead.OptionalString(reasoning, "effort", "reasoning") is { } effort ? new ReasoningConfig(null) { Effort = effort } : null;
    }

    /// <summary><c>text.format</c> is the answer's format (<c>json_schema</c> as Chat Completions' <c>response_format</c>).</summary>
    private static ResponseFormat? DecodeText(JsonElement root, List<SourceField> fields)
    {
        if (JsonRead.OptionalObject(root, "text", "") is not { } text)
        {
            return null;
        }

        foreach (var property in text.EnumerateObject())
        {
            if (property.Name == "verbosity" && property.Value.ValueKind != JsonValueKind.Null)
            {
                fields.Add(ResponsesFieldFates.Dropped("text.verbosity", "a length hint only some OpenAI models take; the answer's limit is max_output_tokens"));
            }
            else if (property.Name != "format")
            {
                fields.Add(ResponsesFieldFates.Refused("text." + property.Name, "Ciyuan cannot tell whether leaving it out would change the answer"));
            }
        }

        if (JsonRead.OptionalObject(text, "format", "text") is not { } format)
        {
            return null;
        }

        var type = JsonRead.RequiredString(format, "type", "text.format");
        return type switch
        {
            "text" => null,
            "json_object" => new ResponseFormat(ResponseFormatKind.JsonObject),
            "json_schema" => new ResponseFormat(ResponseFormatKind.JsonSchema, ChatSchema(format)),
            _ => throw new TranslationException("text.format.type", $"unknown format \"{type}\" (text, json_object or json_schema)"),
        };
    }

    /// <summary>Responses puts <c>name</c>, <c>schema</c> and <c>strict</c> beside <c>type</c>; Chat Completions nests them in <c>json_schema</c>.</summary>
    private static JsonElement ChatSchema(JsonElement format)
    {
        var bytes = JsonOutput.Write(format, static (json, f) =>
        {
            json.WriteStartObject();
            json.WriteString("name", JsonRead.RequiredString(f, "name", "text.format"));
            if (JsonRead.OptionalString(f, "description", "text.format") is { } description)
            {
                json.WriteString("description", description);
            }

            json.WritePropertyName("schema");
            (JsonRead.OptionalObject(f, "schema", "text.format") ?? throw new TranslationException("text.format.schema", "is required")).WriteTo(json);
            if (JsonRead.OptionalBool(f, "strict", "text.format") is { } strict)
            {
                json.WriteBoolean("strict", strict);
            }

            json.WriteEndObject();
        });
        var reader = new Utf8JsonReader(bytes);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// <c>include</c>: <c>reasoning.encrypted_content</c> is honoured by Ciyuan itself; log
    /// probabilities cannot be carried across dialects; the rest name outputs of hosted tools.
    /// </summary>
    private static IEnumerable<SourceField> IncludeFates(JsonElement root)
    {
        if (JsonRead.OptionalArray(root, "include", "") is not { } include)
        {
            yield break;
        }

        var i = 0;
        foreach (var entry in include.EnumerateArray())
        {
            var path = $"include[{i++}]";
            var value = entry.ValueKind == JsonValueKind.String ? entry.GetString() : throw new TranslationException(path, "must be a string");
            if (value == "message.output_text.logprobs")
            {
                yield return ResponsesFieldFates.Refused(path, "log probabilities are not carried across dialects");
            }
            else if (value != "reasoning.encrypted_content")
            {
                yield return ResponsesFieldFates.Dropped(path, "it names the output of a hosted tool, which a translated request has none of");
            }
        }
    }

    private static IEnumerable<SourceField> TruncationFate(JsonElement root)
    {
        if (JsonRead.OptionalString(root, "truncation", "") == "auto")
        {
            yield return ResponsesFieldFates.Dropped("truncation",
                "Ciyuan does not cut conversations; routing sends a prompt only to a deployment whose context window fits it");
        }
    }
}
