using System.Data.Common;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>Reads a <c>usage_series</c> row, in the column order both backends select.</summary>
internal static class UsageSeriesRows
{
    public const string Columns =
        "bucket, model_alias, provider, deployment, jurisdiction, currency, requests, errors, input_uncached, cache_read, cache_write, " +
        "output, reasoning, cost_micros, estimated, unpriced";

    public static UsageSeriesRow Read(DbDataReader reader) => new()
    {
        Bucket = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
        ModelAlias = reader.GetString(1),
        Provider = reader.GetString(2),
        Deployment = reader.GetString(3),
        Jurisdiction = reader.GetString(4),
        Currency = reader.GetString(5),
        Requests = reader.GetInt64(6),
        Errors = reader.GetInt64(7),
        Usage = new TokenUsage(reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12)),
        Cost = new MicroUnits(reader.GetInt64(13)),
        EstimatedRequests = reader.GetInt64(14),
        UnpricedRequests = reader.GetInt64(15),
    };
}
