namespace Ciyuan.Core.Keys;

/// <summary>A client key as stored: only its hash, never the key itself.</summary>
public sealed record ClientKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required KeyHash Hash { get; init; }

    /// <summary>The first characters of the key, enough to recognise it in a list.</summary>
    public required string Prefix { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public long? BudgetMicroUsd { get; init; }

    public int? RequestsPerMinute { get; init; }

    public string? Policy { get; init; }

    /// <summary>The project (team) the key belongs to: its budgets and limits apply too.</summary>
    public string? Project { get; init; }

    public long? TokensPerMinute { get; init; }

    public int? MaxConcurrency { get; init; }

    public bool IsRevoked => RevokedAt is not null;
}
