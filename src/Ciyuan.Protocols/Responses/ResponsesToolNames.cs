namespace Ciyuan.Protocols.Responses;

/// <summary>
/// Names of namespaced tools in dialects without namespaces: the namespace and the tool's own name
/// joined by two underscores (<c>multi_agent_v1__spawn_agent</c>), which fits the function-name
/// alphabet of every OpenAI-dialect vendor and of Anthropic.
/// </summary>
public static class ResponsesToolNames
{
    public const string Separator = "__";

    public static string Join(string? space, string name) => space is null ? name : space + Separator + name;
}
