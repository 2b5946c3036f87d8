using Ciyuan.Core.Metering;

namespace Ciyuan.Storage;

/// <summary>
/// A batch of new usage records summed per <c>usage_series</c> row, so a batch of a thousand
/// requests to one deployment costs one upsert. Rows come out in key order, so concurrent writers
/// (PostgreSQL instances) lock them in the same order.
/// </summary>
internal sealed class UsageSeriesSums
{
    /// <summary>requests, errors, input_uncached, cache_read, cache_write, output, reasoning, cost, estimated, unpriced.</summary>
    public const int Width = 10;

    private readonly SortedDictionary<UsageSeriesKey, long[]> _sums = new(KeyOrder.Instance);

    public int Count => _sums.Count;

    public IEnumerable<KeyValuePair<UsageSeriesKey, long[]>> Rows => _sums;

    public void Add(UsageRecord record)
    {
        var key = UsageSeriesKey.Of(record);
        if (!_sums.TryGetValue(key, out var sums))
        {
            sums = new long[Width];
            _sums[key] = sums;
        }

        sums[0]++;
        sums[1] += IsError(record.Status) ? 1 : 0;
        sums[2] += record.Usage.InputUncached;
        sums[3] += record.Usage.CacheRead;
        sums[4] += record.Usage.CacheWrite;
        sums[5] += record.Usage.Output;
        sums[6] += record.Usage.Reasoning;
        sums[7] += record.Cost.Value;
        sums[8] += record.UsageEstimated ? 1 : 0;
        sums[9] += record.Unpriced ? 1 : 0;
    }

    public void Clear() => _sums.Clear();

    /// <summary>A failed request counts as an error; one the client walked away from does not (the gateway did nothing wrong).</summary>
    public static bool IsError(string status) => status is not (RequestStatus.Ok or RequestStatus.ClientDisconnected);

    private sealed class KeyOrder : IComparer<UsageSeriesKey>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(UsageSeriesKey x, UsageSeriesKey y)
        {
            var c = x.Bucket.CompareTo(y.Bucket);
            c = c != 0 ? c : string.CompareOrdinal(x.Model, y.Model);
            c = c != 0 ? c : string.CompareOrdinal(x.Provider, y.Provider);
            c = c != 0 ? c : string.CompareOrdinal(x.Deployment, y.Deployment);
            c = c != 0 ? c : string.CompareOrdinal(x.Jurisdiction, y.Jurisdiction);
            return c != 0 ? c : string.CompareOrdinal(x.Currency, y.Currency);
        }
    }
}
