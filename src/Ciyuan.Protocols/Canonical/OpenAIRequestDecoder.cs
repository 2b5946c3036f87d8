using System.Collections.Frozen;
using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>OpenAI Chat Completions request body → <see cref="ChatRequest"/>.</summary>
internal static class OpenAIRequestDecoder
{
    private static readonly FrozenSet<string> Mapped = FrozenSet.ToFrozenSet(
    [
        "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "max_tokens", "max_completion_tokens",
        "temperature", "top_p", "top_k", "stop", "reasoning_effort", "thinking", "enable_thinking", "thinking_budget",
        "response_format", "user", "stream", "stream_options",
    ]);

    public static ChatRequest Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!Mapped.Contains(property.Name))
            {
                extensions[property.Name] = property.Value;
            }
        }

        var streamOptions = JsonRead.OptionalObject(root, "stream_options", "");
        return new ChatRequest
        {
            Model = JsonRead.RequiredString(root, "model", ""),
            Messages = OpenAIMessageDecoder.DecodeMessages(JsonRead.RequiredArray(root, "messages", "")),
            Tools = DecodeTools(root),
            ToolChoice = DecodeToolChoice(root),
            ParallelToolCalls = JsonRead.OptionalBool(root, "parallel_tool_calls", ""),
            MaxOutputTokens = JsonRead.OptionalInt(root, "max_completion_tokens", "") ?? JsonRead.OptionalInt(root, "max_tokens", ""),
            Temperature = JsonRead.OptionalDouble(root, "temperature", ""),
            TopP = JsonRead.OptionalDouble(root, "top_p", ""),
            TopK = JsonRead.OptionalInt(root, "top_k", ""),
            Stop = DecodeStop(root),
            Reasoning = DecodeReasoning(root),
            ResponseFormat = DecodeResponseFormat(root),
            User = JsonRead.OptionalString(root, "user", ""),
            Stream = JsonRead.OptionalBool(root, "stream", "") ?? false,
            StreamIncludeUsage = streamOptions is { } options && (JsonRead.OptionalBool(options, "include_usage", "stream_options") ?? false),
            SourceDialect = Dialect.OpenAI,
            Extensions = extensions,
        };
    }

    private static List<ToolDefinition> DecodeTools(JsonElement root)
    {
        if (JsonRead.OptionalArray(root, "tools", "") is not { } array)
        {
            return [];
        }

        var tools = new List<ToolDefinition>(array.GetArrayLength());
        var index = 0;
        foreach (var tool in array.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            JsonRead.RequireObject(tool, path);
            var type = JsonRead.OptionalString(tool, "type", path) ?? "function";
            if (type != "function")
            {
                throw new TranslationException(JsonRead.Path(path, "type"), $"unsupported tool type \"{type}\"");
            }

            var functionPath = JsonRead.Path(path, "function");
            var function = JsonRead.OptionalObject(tool, "function", path) ?? throw new TranslationException(functionPath, "is required");
            var parameters = JsonRead.OptionalObject(function, "parameters", functionPath) ?? EmptySchema();
            tools.Add(new ToolDefinition(JsonRead.RequiredString(function, "name", functionPath), JsonRead.OptionalString(function, "description", functionPath), parameters)
            {
                Strict = JsonRead.OptionalBool(function, "strict", functionPath),
            });
        }

        return tools;
    }

    /// <summary>OpenAI lets a function omit its parameters; Anthropic needs a schema, so supply the empty object schema.</summary>
    private static JsonElement EmptySchema()
    {
        var reader = new Utf8JsonReader("""{"type":"object","properties":{}}"""u8);
        return JsonElement.ParseValue(ref reader);
    }

    private static ToolChoice? DecodeToolChoice(JsonElement root)
    {
        if (!JsonRead.TryGet(root, "tool_choice", out var choice))
        {
            return null;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "auto" => ToolChoice.Auto,
                "required" => ToolChoice.Required,
                "none" => ToolChoice.None,
                var other => throw new TranslationException("tool_choice", $"unknown tool choice \"{other}\""),
            };
        }

        JsonRead.RequireObject(choice, "tool_choice");
        var function = JsonRead.OptionalObject(choice, "function", "tool_choice") ?? throw new TranslationException("tool_choice.function", "is required");
        return new ToolChoice(ToolChoiceKind.Tool, JsonRead.RequiredString(function, "name", "tool_choice.function"));
    }

    private static List<string> DecodeStop(JsonElement root)
    {
        if (!JsonRead.TryGet(root, "stop", out var stop))
        {
            return [];
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return [stop.GetString()!];
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            throw new TranslationException("stop", "must be a string or an array of strings");
        }

        var list = new List<string>(stop.GetArrayLength());
        var index = 0;
        foreach (var item in stop.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new TranslationException($"stop[{index}]", "must be a string"));
            index++;
        }

        return list;
    }

    /// <summary>
    /// Reads OpenAI's <c>reasoning_effort</c> and the vendor switches clients send through the
    /// OpenAI door: <c>thinking</c> (DeepSeek, Kimi, GLM, Ark) and <c>enable_thinking</c> /
    /// <c>thinking_budget</c> (Qwen).
    /// </summary>
    private static ReasoningConfig? DecodeReasoning(JsonElement root)
    {
        var effort = JsonRead.OptionalString(root, "reasoning_effort", "");
        var budget = JsonRead.OptionalInt(root, "thinking_budget", "");
        ReasoningMode? mode = null;
        if (JsonRead.OptionalObject(root, "thinking", "") is { } thinking)
        {
            var type = JsonRead.RequiredString(thinking, "type", "thinking");
            mode = type switch
            {
                "enabled" => ReasoningMode.Enabled,
                "disabled" => ReasoningMode.Disabled,
                "adaptive" or "auto" => ReasoningMode.Adaptive,
                _ => throw new TranslationException("thinking.type", $"unknown thinking type \"{type}\""),
            };
            budget ??= JsonRead.OptionalInt(thinking, "budget_tokens", "thinking");
        }
        else if (JsonRead.OptionalBool(root, "enable_thinking", "") is { } enable)
        {
            mode = enable ? ReasoningMode.Enabled : ReasoningMode.Disabled;
        }

        return mode is null && effort is null && budget is null
            ? null
            : new ReasoningConfig(mode ?? (budget is null ? null : ReasoningMode.Enabled)) { Effort = effort, BudgetTokens = budget };
    }

    private static ResponseFormat? DecodeResponseFormat(JsonElement root)
    {
        if (JsonRead.OptionalObject(root, "response_format", "") is not { } format)
        {
            return null;
        }

        var type = JsonRead.RequiredString(format, "type", "response_format");
        return type switch
        {
            "text" => new ResponseFormat(ResponseFormatKind.Text),
            "json_object" => new ResponseFormat(ResponseFormatKind.JsonObject),
            "json_schema" => new ResponseFormat(ResponseFormatKind.JsonSchema, JsonRead.OptionalObject(format, "json_schema", "response_format")
                ?? throw new TranslationException("response_format.json_schema", "is required")),
            _ => throw new TranslationException("response_format.type", $"unknown response format \"{type}\""),
        };
    }
}
