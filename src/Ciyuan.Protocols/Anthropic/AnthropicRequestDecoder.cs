using System.Collections.Frozen;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>Anthropic Messages request body → <see cref="ChatRequest"/>.</summary>
internal static class AnthropicRequestDecoder
{
    private static readonly FrozenSet<string> Mapped = FrozenSet.ToFrozenSet(
    [
        "model", "max_tokens", "system", "messages", "tools", "tool_choice", "stop_sequences", "temperature",
        "top_p", "top_k", "thinking", "metadata", "stream",
    ]);

    public static ChatRequest Decode(ReadOnlySpan<byte> json)
    {
        var root = JsonRead.ParseRoot(json);
        var maxTokens = JsonRead.OptionalInt(root, "max_tokens", "") ?? throw new TranslationException("max_tokens", "is required");
        if (maxTokens < 1)
        {
            throw new TranslationException("max_tokens", "must be at least 1");
        }

        var messages = new List<ChatMessage>();
        if (JsonRead.TryGet(root, "system", out var system))
        {
            var parts = AnthropicBlockDecoder.DecodeContent(system, "system");
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i] is not TextPart)
                {
                    throw new TranslationException($"system[{i}]", "system blocks must be text");
                }
            }

            messages.Add(new ChatMessage(ChatRole.System, parts));
        }

        DecodeMessages(JsonRead.RequiredArray(root, "messages", ""), messages);
        var (toolChoice, parallel) = DecodeToolChoice(root);
        var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!Mapped.Contains(property.Name) && property.Name != "output_config")
            {
                extensions[property.Name] = property.Value;
            }
        }

        return new ChatRequest
        {
            Model = JsonRead.RequiredString(root, "model", ""),
            Messages = messages,
            Tools = DecodeTools(root),
            ToolChoice = toolChoice,
            ParallelToolCalls = parallel,
            MaxOutputTokens = maxTokens,
            Temperature = JsonRead.OptionalDouble(root, "temperature", ""),
            TopP = JsonRead.OptionalDouble(root, "top_p", ""),
            TopK = JsonRead.OptionalInt(root, "top_k", ""),
            Stop = DecodeStopSequences(root),
            Reasoning = DecodeReasoning(root, extensions),
            User = JsonRead.OptionalObject(root, "metadata", "") is { } metadata ? JsonRead.OptionalString(metadata, "user_id", "metadata") : null,
            Stream = JsonRead.OptionalBool(root, "stream", "") ?? false,
            SourceDialect = Dialect.Anthropic,
            Extensions = extensions,
        };
    }

    /// <summary>
    /// Tool results leave their user message as one <see cref="ChatRole.Tool"/> message each, ahead of
    /// the message's other blocks (Anthropic requires results first, OpenAI wants tool messages
    /// directly after the assistant turn); the encoder folds them back.
    /// </summary>
    private static void DecodeMessages(JsonElement array, List<ChatMessage> messages)
    {
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var path = $"messages[{index}]";
            JsonRead.RequireObject(message, path);
            var role = JsonRead.RequiredString(message, "role", path) switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw new TranslationException(JsonRead.Path(path, "role"), "must be \"user\" or \"assistant\""),
            };
            if (!JsonRead.TryGet(message, "content", out var content))
            {
                throw new TranslationException(JsonRead.Path(path, "content"), "is required");
            }

            var parts = AnthropicBlockDecoder.DecodeContent(content, JsonRead.Path(path, "content"));
            if (role == ChatRole.Assistant)
            {
                CheckAssistantParts(parts, path);
                messages.Add(new ChatMessage(role, parts) { SourceIndex = index });
            }
            else
            {
                AddUserMessage(parts, path, index, messages);
            }

            index++;
        }
    }

    private static void CheckAssistantParts(List<ContentPart> parts, string path)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] is ToolResultPart)
            {
                throw new TranslationException($"{path}.content[{i}]", "tool_result blocks belong in user messages");
            }
        }
    }

    private static void AddUserMessage(List<ContentPart> parts, string path, int index, List<ChatMessage> messages)
    {
        var others = new List<ContentPart>(parts.Count);
        var hasResults = false;
        for (var i = 0; i < parts.Count; i++)
        {
            switch (parts[i])
            {
                case ToolResultPart result:
                    hasResults = true;
                    messages.Add(new ChatMessage(ChatRole.Tool, [result]) { ToolCallId = result.ToolCallId, SourceIndex = index });
                    break;
                case ToolCallPart or ReasoningPart:
                    throw new TranslationException($"{path}.content[{i}]", "tool_use and thinking blocks belong in assistant messages");
                default:
                    others.Add(parts[i]);
                    break;
            }
        }

        if (!hasResults || others.Count > 0)
        {
            messages.Add(new ChatMessage(ChatRole.User, others) { SourceIndex = index });
        }
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
            var cacheControl = JsonRead.TryGet(tool, "cache_control", out var cache) ? cache : (JsonElement?)null;
            var type = JsonRead.OptionalString(tool, "type", path);
            if (type is not null and not "custom")
            {
                // A server tool (web search, code execution…) runs at Anthropic; keep it verbatim.
                tools.Add(new ToolDefinition(JsonRead.OptionalString(tool, "name", path) ?? type, null, default) { ServerTool = tool, CacheControl = cacheControl });
                continue;
            }

            var schema = JsonRead.OptionalObject(tool, "input_schema", path) ?? throw new TranslationException(JsonRead.Path(path, "input_schema"), "is required");
            tools.Add(new ToolDefinition(JsonRead.RequiredString(tool, "name", path), JsonRead.OptionalString(tool, "description", path), schema)
            {
                CacheControl = cacheControl,
            });
        }

        return tools;
    }

    private static (ToolChoice? Choice, bool? Parallel) DecodeToolChoice(JsonElement root)
    {
        if (JsonRead.OptionalObject(root, "tool_choice", "") is not { } choice)
        {
            return (null, null);
        }

        var type = JsonRead.RequiredString(choice, "type", "tool_choice");
        var kind = type switch
        {
            "auto" => ToolChoice.Auto,
            "any" => ToolChoice.Required,
            "none" => ToolChoice.None,
            "tool" => new ToolChoice(ToolChoiceKind.Tool, JsonRead.RequiredString(choice, "name", "tool_choice")),
            _ => throw new TranslationException("tool_choice.type", $"unknown tool choice \"{type}\""),
        };
        var disable = JsonRead.OptionalBool(choice, "disable_parallel_tool_use", "tool_choice");
        return (kind, disable is { } value ? !value : null);
    }

    private static List<string> DecodeStopSequences(JsonElement root)
    {
        if (JsonRead.OptionalArray(root, "stop_sequences", "") is not { } array)
        {
            return [];
        }

        var stop = new List<string>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            stop.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new TranslationException($"stop_sequences[{index}]", "must be a string"));
            index++;
        }

        return stop;
    }

    /// <summary>
    /// <c>output_config.effort</c> becomes <see cref="ReasoningConfig.Effort"/>; an output_config with
    /// more in it (structured output) is also kept whole as an extension for Anthropic targets.
    /// </summary>
    private static ReasoningConfig? DecodeReasoning(JsonElement root, Dictionary<string, JsonElement> extensions)
    {
        string? effort = null;
        if (JsonRead.OptionalObject(root, "output_config", "") is { } outputConfig)
        {
            effort = JsonRead.OptionalString(outputConfig, "effort", "output_config");
            foreach (var property in outputConfig.EnumerateObject())
            {
                if (property.Name != "effort")
                {
                    extensions["output_config"] = outputConfig;
                    break;
                }
            }
        }

        if (JsonRead.OptionalObject(root, "thinking", "") is not { } thinking)
        {
            return effort is null ? null : new ReasoningConfig(null) { Effort = effort };
        }

        var type = JsonRead.RequiredString(thinking, "type", "thinking");
        return type switch
        {
            "enabled" => new ReasoningConfig(ReasoningMode.Enabled)
            {
                BudgetTokens = JsonRead.OptionalInt(thinking, "budget_tokens", "thinking") ?? throw new TranslationException("thinking.budget_tokens", "is required when thinking is enabled"),
                Effort = effort,
            },
            "disabled" => new ReasoningConfig(ReasoningMode.Disabled) { Effort = effort },
            "adaptive" => new ReasoningConfig(ReasoningMode.Adaptive) { Effort = effort },
            _ => throw new TranslationException("thinking.type", $"unknown thinking type \"{type}\""),
        };
    }
}
