using System.Text;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Anthropic;

/// <summary>
/// Anthropic <c>tools</c> and <c>tool_choice</c> → canonical. Each member of a tool definition has a
/// fate: <c>input_examples</c> are kept in the description (other dialects have no field for them),
/// <c>defer_loading</c> tools are withheld from the model as Anthropic withholds them until a tool
/// search loads them, <c>eager_input_streaming</c> is a streaming hint with no effect elsewhere.
/// </summary>
internal static class AnthropicToolDecoder
{
    private static readonly HashSet<string> Known =
        ["type", "name", "description", "input_schema", "cache_control", "strict", "input_examples", "defer_loading", "eager_input_streaming"];

    public static List<ToolDefinition> DecodeTools(JsonElement root, List<SourceField> fields)
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

            var name = JsonRead.RequiredString(tool, "name", path);
            var schema = JsonRead.OptionalObject(tool, "input_schema", path) ?? throw new TranslationException(JsonRead.Path(path, "input_schema"), "is required");
            foreach (var property in tool.EnumerateObject())
            {
                if (!Known.Contains(property.Name))
                {
                    fields.Add(new SourceField(JsonRead.Path(path, property.Name), FieldFate.Refused, AnthropicFieldFates.UnknownReason));
                }
            }

            if (JsonRead.OptionalBool(tool, "defer_loading", path) == true)
            {
                fields.Add(new SourceField(JsonRead.Path(path, "defer_loading"), FieldFate.Dropped,
                    $"the tool \"{name}\" is withheld from the model, as Anthropic withholds deferred tools until a tool search loads them"));
                continue;
            }

            if (JsonRead.TryGet(tool, "eager_input_streaming", out _))
            {
                fields.Add(new SourceField(JsonRead.Path(path, "eager_input_streaming"), FieldFate.Dropped,
                    "a streaming hint; the upstream streams tool arguments as it does"));
            }

            tools.Add(new ToolDefinition(name, Describe(tool, path), schema)
            {
                CacheControl = cacheControl,
                Strict = JsonRead.OptionalBool(tool, "strict", path),
            });
        }

        return tools;
    }

    public static (ToolChoice? Choice, bool? Parallel) DecodeToolChoice(JsonElement root)
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

    /// <summary>The description, with any <c>input_examples</c> appended as JSON lines so the model still sees them.</summary>
    private static string? Describe(JsonElement tool, string path)
    {
        var description = JsonRead.OptionalString(tool, "description", path);
        if (JsonRead.OptionalArray(tool, "input_examples", path) is not { } examples || examples.GetArrayLength() == 0)
        {
            return description;
        }

        var text = new StringBuilder(description ?? string.Empty);
        text.Append(text.Length > 0 ? "\n\n" : string.Empty).Append("Examples of valid input:");
        foreach (var example in examples.EnumerateArray())
        {
            text.Append('\n').Append(JsonOutput.Compact(example));
        }

        return text.ToString();
    }
}
