namespace Ciyuan.Core.Configuration;

/// <summary>A project's (team's) limits, shared by all of its keys. Null means no limit.</summary>
public sealed record ProjectConfig
{
    public required string Name { get; init; }

    public long? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public int? MaxConcurrency { get; init; }
}
