using System.Text.Json.Nodes;

namespace Ciyuan.Testing.Upstream;

/// <summary>
/// A behaviour chosen afresh for every request from its body (either dialect), for conversations
/// where each turn needs a different answer, such as an agent's tool loop.
/// </summary>
public sealed record Scripted(Func<JsonObject, UpstreamBehavior> Choose) : UpstreamBehavior;
