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

    /// <summary>Only this model alias.</summary>
    public string? Model { get; init; }

    /// <summary>Only this provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The first UTC day included (reports are kept per UTC day).</summary>
    public DateOnly? FromDay { get; init; }

    /// <summary>The last UTC day included.</summary>
    public DateOnly? ToDay { get; init; }

    /// <summary>The first instant of <see cref="FromDay"/>, in Unix milliseconds.</summary>
    public long? FromMilliseconds => FromDay is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() : null;

    /// <summary>The first instant after <see cref="ToDay"/>, in Unix milliseconds.</summary>
    public long? ToMillisecondsExclusive => ToDay is { } day ? new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() : null;

    /// <summary>A day as the rollups store it (<c>yyyy-MM-dd</c>).</summary>
    public static string? DayText(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
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
