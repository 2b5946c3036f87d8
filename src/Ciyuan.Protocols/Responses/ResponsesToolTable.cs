using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Responses;

/// <summary>
/// How a call the upstream made under a function name is told to a Responses client: a custom
/// tool's call as <c>custom_tool_call</c>, a namespaced tool's under its own name and namespace.
/// A name the request did not declare is passed on as a plain function call.
/// </summary>
internal sealed class ResponsesToolTable
{
    private readonly Dictionary<string, ToolDefinition> _byName = new(StringComparer.Ordinal);

    public ResponsesToolTable(IReadOnlyList<ToolDefinition> tools)
    {
        foreach (var tool in tools)
        {
            _byName.TryAdd(tool.Name, tool);
        }
    }

    public (string Name, string? Namespace, bool Freeform) Resolve(string name) =>
        _byName.TryGetValue(name, out var tool)
            ? (tool.NameInNamespace ?? tool.Name, tool.Namespace, tool.Freeform)
            : (name, null, false);
}
