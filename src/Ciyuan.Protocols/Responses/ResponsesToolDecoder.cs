using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Responses <c>tools</c> and <c>tool_choice</c> → canonical. Function tools are flat
/// (<c>{"type":"function","name","parameters"}</c>); custom tools take raw text and become a function
/// of one string argument; a namespace's tools are declared under joined names
/// (<see cref="ResponsesToolNames"/>). A hosted tool (web search, file search…) runs only at a
/// native Responses endpoint, so a translation refuses it by name rather than drop it.
/// </summary>
internal static class ResponsesToolDecoder
{
    public static List<ToolDefinition> DecodeTools(JsonElement root)
    {
        var tools = new List<ToolDefinition>();
        if (JsonRead.OptionalArray(root, "tools", "") is not { } array)
        {
            return tools;
        }

        var index = 0;
        foreach (var tool in array.EnumerateArray())
        {
            Add(tool, $"tools[{index++}]", space: null, tools);
        }

        return tools;
    }

    private static void Add(JsonElement tool, string path, string? space, List<ToolDefinition> tools)
    {
        JsonRead.RequireObject(tool, path);
        var type = JsonRead.RequiredString(tool, "type", path);
        switch (type)
        {
            case "function":
            {
                var name = JsonRead.RequiredString(tool, "name", path);
                tools.Add(new ToolDefinition(ResponsesToolNames.Join(space, name), JsonRead.OptionalString(tool, "description", path),
                    JsonRead.OptionalObject(tool, "parameters", path) ?? FreeformInput.EmptyObjectSchema)
                {
                    Strict = JsonRead.OptionalBool(tool, "strict", path),
                    Namespace = space,
                    NameInNamespace = space is null ? null : name,
                });
                break;
            }

            case "custom":
            {
                var name = JsonRead.RequiredString(tool, "name", path);
                var format = JsonRead.OptionalObject(tool, "format", path);
                tools.Add(new ToolDefinition(ResponsesToolNames.Join(space, name), JsonRead.OptionalString(tool, "description", path),
                    FreeformInput.Schema(FormatDescription(format, path)))
                {
                    Freeform = true,
                    Format = format,
                    Namespace = space,
                    NameInNamespace = space is null ? null : name,
                });
                break;
            }

            case "namespace":
            {
                if (space is not null)
                {
                    throw new TranslationException(JsonRead.Path(path, "type"), "a namespace cannot hold another namespace");
                }

                var name = JsonRead.RequiredString(tool, "name", path);
                var inner = 0;
                foreach (var member in JsonRead.RequiredArray(tool, "tools", path).EnumerateArray())
                {
                    Add(member, $"{path}.tools[{inner++}]", name, tools);
                }

                break;
            }

            default:
                throw new TranslationException(JsonRead.Path(path, "type"), ResponsesItemTypes.HostedTools.Contains(type)
                    ? $"the hosted tool \"{type}\" runs only at a native Responses endpoint, and this deployment is translated; " +
                      "remove it from the request (in Codex: web_search = \"disabled\")"
                    : $"unknown tool type \"{type}\" (function, custom or namespace)");
        }
    }

    /// <summary>What the model must write into a custom tool, as its one argument's description.</summary>
    private static string? FormatDescription(JsonElement? format, string path)
    {
        if (format is not { } value || JsonRead.OptionalString(value, "type", JsonRead.Path(path, "format")) is not { } type || type == "text")
        {
            return null;
        }

        if (type != "grammar")
        {
            throw new TranslationException(JsonRead.Path(path, "format.type"), $"unknown custom tool format \"{type}\" (text or grammar)");
        }

        var formatPath = JsonRead.Path(path, "format");
        var syntax = JsonRead.OptionalString(value, "syntax", formatPath) ?? "lark";
        var definition = JsonRead.RequiredString(value, "definition", formatPath);
        return $"The raw input text; it must match this {syntax} grammar:\n{definition}";
    }

    public static ToolChoice? DecodeToolChoice(JsonElement root, IReadOnlyList<ToolDefinition> tools)
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
                var other => throw new TranslationException("tool_choice", $"unknown tool choice \"{other}\" (auto, required or none)"),
            };
        }

        JsonRead.RequireObject(choice, "tool_choice");
        var type = JsonRead.RequiredString(choice, "type", "tool_choice");
        switch (type)
        {
            case "function" or "custom":
                var name = JsonRead.RequiredString(choice, "name", "tool_choice");
                var joined = ResponsesToolNames.Join(JsonRead.OptionalString(choice, "namespace", "tool_choice"), name);
                return new ToolChoice(ToolChoiceKind.Tool, tools.Any(t => t.Name == joined) ? joined : name);
            case "allowed_tools":
                throw new TranslationException("tool_choice.type", "allowed_tools cannot be expressed by other dialects; send only the allowed tools instead");
            default:
                throw new TranslationException("tool_choice.type", ResponsesItemTypes.HostedTools.Contains(type)
                    ? $"the hosted tool \"{type}\" runs only at a native Responses endpoint, and this deployment is translated"
                    : $"unknown tool choice type \"{type}\"");
        }
    }
}
