namespace Ciyuan.EndToEnd.Tests.Clients;

/// <summary>
/// The coding-agent CLIs are heavy processes (a large native binary, a Node.js runtime): they run
/// on their own, one at a time, so they neither starve nor are starved by the timing-sensitive
/// tests (crash, swarm) on a two-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CodingAgentsCollection
{
    public const string Name = "Coding agents";
}
