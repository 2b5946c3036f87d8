namespace Ciyuan.Core.Metering;

/// <summary>One line of the ledger: what one request consumed, where it went and what it cost.</summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string KeyId { get; init; }

    public string? RunId { get; init; }

    /// <summary>The key's project, if it has one.</summary>
    public string? Project { get; init; }

    /// <summary>Which front door: <c>chat</c>, <c>embeddings</c>, <c>messages</c>.</summary>
    public required string Endpoint { get; init; }

    public required string ModelAlias { get; init; }

    public required string Provider { get; init; }

    public required string Deployment { get; init; }

    public required string UpstreamModel { get; init; }

    public required string Jurisdiction { get; init; }

    public required TokenUsage Usage { get; init; }

    /// <summary>True when the upstream reported no usage and the counts were estimated.</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>
    /// True when the upstream's usage could not be taken as is (negative, overflowing, or more than
    /// the request allowed) or its answer ran past the request's limit: <see cref="Usage"/> is then
    /// what was counted, within the request's ceiling, and <see cref="ClaimedUsage"/> what was claimed.
    /// </summary>
    public bool UsageSuspect { get; init; }

    /// <summary>The usage the upstream claimed, when it was suspect.</summary>
    public TokenUsage? ClaimedUsage { get; init; }

    public required MicroUnits Cost { get; init; }

    public required string Currency { get; init; }

    /// <summary>True when no price was known; <see cref="Cost"/> is then zero and must not be read as free.</summary>
    public bool Unpriced { get; init; }

    public required string Status { get; init; }

    public int HttpStatus { get; init; }

    public string? Error { get; init; }

    public bool Streamed { get; init; }

    public int Attempts { get; init; } = 1;

    /// <summary>The attempts that failed, in order (for an answered request, those its fallbacks replaced); null when none did.</summary>
    public IReadOnlyList<FailedAttempt>? FailedAttempts { get; init; }

    public required double LatencyMs { get; init; }

    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>
    /// The budget hold this record settles, if the request held one: the ledger writes the
    /// <c>commit</c> (or, for a failure, <c>release</c>) entry and the budget counters in the same
    /// transaction as the record.
    /// </summary>
    public Budgets.BudgetHold? Hold { get; init; }
}
