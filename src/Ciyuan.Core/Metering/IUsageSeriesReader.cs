namespace Ciyuan.Core.Metering;

/// <summary>Reads the quarter-hour rollups of the ledger (the dashboard's figures over time).</summary>
public interface IUsageSeriesReader
{
    /// <summary>Every bucket that starts in [<paramref name="from"/>, <paramref name="to"/>), in bucket order.</summary>
    Task<IReadOnlyList<UsageSeriesRow>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
