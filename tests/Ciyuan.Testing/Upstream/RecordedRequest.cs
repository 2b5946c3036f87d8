using System.Text.Json.Nodes;

namespace Ciyuan.Testing.Upstream;

/// <summary>A request as the upstream test server received it.</summary>
public sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string? Header(string name) =>
        Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
