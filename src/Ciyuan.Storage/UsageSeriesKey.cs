using Ciyuan.Core.Metering;

namespace Ciyuan.Storage;

/// <summary>The row of <c>usage_series</c> a usage record adds to.</summary>
internal readonly record struct UsageSeriesKey(long Bucket, string Model, string Provider, string Deployment, string Jurisdiction, string Currency)
{
    public static UsageSeriesKey Of(UsageRecord record) => new(
        UsageSeriesRow.BucketOf(record.CreatedAt).ToUnixTimeMilliseconds(), record.ModelAlias, record.Provider, record.Deployment, record.Jurisdiction, record.Currency);
}
