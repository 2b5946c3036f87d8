namespace Ciyuan.Core.Metering;

/// <summary>
/// The ledger over time, as the dashboard reads it: the quarter-hour rollups, and the newest
/// request lines by an index (never a scan of the records).
/// </summary>
public interface IUsageTimeline
{
    /// <summary>Every rollup bucket that starts in [<paramref name="from"/>, <paramref name="to"/>), in bucket order.</summary>
    Task<IReadOnlyList<UsageSeriesRow>> ReadSeriesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The newest records made at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<UsageRecord>> ReadNewestAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>The newest records of one run, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<UsageRecord>> ReadRunAsync(string runId, int limit, CancellationToken cancellationToken);
}
