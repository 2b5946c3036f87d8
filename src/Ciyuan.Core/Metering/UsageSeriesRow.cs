namespace Ciyuan.Core.Metering;

/// <summary>
/// The ledger summed over one quarter hour (UTC) for one model, deployment, jurisdiction and
/// currency. Kept in the same transaction as the usage records it sums, so the dashboard's figures
/// equal the ledger's to the micro-unit without reading the records.
/// </summary>
public sealed record UsageSeriesRow
{
    /// <summary>How wide a bucket is: 15 minutes, so a day in any time zone (offsets are whole quarter hours) is whole buckets.</summary>
    public static readonly TimeSpan BucketWidth = TimeSpan.FromMinutes(15);

    /// <summary>The start of the bucket (UTC).</summary>
    public required DateTimeOffset Bucket { get; init; }

    public required string ModelAlias { get; init; }

    public required string Provider { get; init; }

    public required string Deployment { get; init; }

    public required string Jurisdiction { get; init; }

    public required string Currency { get; init; }

    public required long Requests { get; init; }

    /// <summary>Requests whose status was not <c>ok</c>.</summary>
    public required long Errors { get; init; }

    public required TokenUsage Usage { get; init; }

    public required MicroUnits Cost { get; init; }

    public required long EstimatedRequests { get; init; }

    public required long UnpricedRequests { get; init; }

    /// <summary>The start of the bucket holding <paramref name="at"/>.</summary>
    public static DateTimeOffset BucketOf(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - (at.UtcTicks % BucketWidth.Ticks);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }
}
