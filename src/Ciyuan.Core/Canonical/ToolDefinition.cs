using System.Text.Json;

namespace Ciyuan.Core.Canonical;

/// <summary>A function the model may call; <paramref name="Parameters"/> is its JSON schema.</summary>
public sealed record ToolDefinition(string Name, string? Description, JsonElement Parameters)
{
    /// <summary>OpenAI <c>function.strict</c>.</summary>
    public bool? Strict { get; init; }

    public JsonElement? CacheControl { get; init; }

    /// <summary>
    /// The verbatim definition of an Anthropic server tool (one with a <c>type</c>, e.g. web search):
    /// it has no function schema, so it can only be written back to Anthropic.
    /// </summary>
    public JsonElement? ServerTool { get; init; }

    /// <summary>
    /// An OpenAI Responses custom (freeform) tool: the model writes raw text rather than JSON. Other
    /// dialects get a function whose one string argument <c>input</c> carries that text.
    /// </summary>
    public bool Freeform { get; init; }

    /// <summary>A custom tool's input format (a grammar, or plain text), verbatim.</summary>
    public JsonElement? Format { get; init; }

    /// <summary>
    /// The OpenAI Responses namespace the tool was declared in, and its name there; other dialects
    /// have no namespaces, so <see cref="ToolDefinition.Name"/> then joins both (<c>namespace__name</c>).
    /// </summary>
    public string? Namespace { get; init; }

    /// <inheritdoc cref="Namespace"/>
    public string? NameInNamespace { get; init; }
}
