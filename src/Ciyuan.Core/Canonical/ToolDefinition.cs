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
}
