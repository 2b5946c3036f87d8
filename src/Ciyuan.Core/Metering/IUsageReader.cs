namespace Ciyuan.Core.Metering;

/// <summary>Reads the ledger for reports.</summary>
public interface IUsageReader
{
    Task<IReadOnlyList<UsageRecord>> ListAsync(UsageQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageSummaryRow>> SummarizeAsync(UsageGrouping grouping, UsageQuery query, CancellationToken cancellationToken);
}

public sealed record UsageQuery(DateTimeOffset? Since = null, string? KeyId = null, int Limit = 1000)
{
    public string? Project { get; init; }

    public string? RunId { get; init; }

    /// <summary>Only requests whose reported usage was suspect.</summary>
    public bool SuspectOnly { get; init; }
}

public enum UsageGrouping
{
    Key,
    Project,
    Run,
    Model,
    Provider,
    Day,
}

public sealed record UsageSummaryRow(
    string Group,
    string Currency,
    long Requests,
    long InputUncached,
    long CacheRead,
    long CacheWrite,
    long Output,
    long Reasoning,
    MicroUnits Cost,
    long EstimatedRequests,
    long UnpricedRequests,
    long SuspectRequests);
