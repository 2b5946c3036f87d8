namespace Ciyuan.Core.Metering;

/// <summary>
/// Where usage records go. <see cref="RecordAsync"/> completes only once the record is durable,
/// but many concurrent records share one write (group commit), so the hot path never pays a
/// flush of its own.
/// </summary>
public interface IUsageLedger
{
    ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken);
}
