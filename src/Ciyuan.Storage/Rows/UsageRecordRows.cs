using System.Data.Common;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>
/// Reads a <c>usage_records</c> row, in the column order both backends select, from either
/// database's reader (flags are integers in both).
/// </summary>
internal static class UsageRecordRows
{
    public const string Columns =
        "request_id, created_at, key_id, run_id, endpoint, model_alias, provider, deployment, upstream_model, jurisdiction, " +
        "input_uncached, cache_read, cache_write, output, reasoning, usage_estimated, cost_micros, currency, unpriced, " +
        "status, http_status, error, streamed, attempts, latency_ms, ttft_ms, project, usage_suspect, claimed_usage, failed_attempts";

    public static UsageRecord Read(DbDataReader reader) => new()
    {
        RequestId = reader.GetString(0),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        KeyId = reader.GetString(2),
        RunId = reader.IsDBNull(3) ? null : reader.GetString(3),
        Endpoint = reader.GetString(4),
        ModelAlias = reader.GetString(5),
        Provider = reader.GetString(6),
        Deployment = reader.GetString(7),
        UpstreamModel = reader.GetString(8),
        Jurisdiction = reader.GetString(9),
        Usage = new TokenUsage(reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13), reader.GetInt64(14)),
        UsageEstimated = reader.GetInt32(15) != 0,
        Cost = new MicroUnits(reader.GetInt64(16)),
        Currency = reader.GetString(17),
        Unpriced = reader.GetInt32(18) != 0,
        Status = reader.GetString(19),
        HttpStatus = reader.GetInt32(20),
        Error = reader.IsDBNull(21) ? null : reader.GetString(21),
        Streamed = reader.GetInt32(22) != 0,
        Attempts = reader.GetInt32(23),
        LatencyMs = reader.GetDouble(24),
        TimeToFirstTokenMs = reader.IsDBNull(25) ? null : reader.GetDouble(25),
        Project = reader.IsDBNull(26) ? null : reader.GetString(26),
        UsageSuspect = reader.GetInt32(27) != 0,
        ClaimedUsage = ClaimedUsageText.Read(reader.IsDBNull(28) ? null : reader.GetString(28)),
        FailedAttempts = FailedAttemptsText.Read(reader.IsDBNull(29) ? null : reader.GetString(29)),
    };

    /// <summary>Every record the reader returns.</summary>
    public static async Task<IReadOnlyList<UsageRecord>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var records = new List<UsageRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    /// <summary>Every summary row the reader returns.</summary>
    public static async Task<IReadOnlyList<UsageSummaryRow>> ReadSummariesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<UsageSummaryRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadSummary(reader));
        }

        return rows;
    }

    /// <summary>A summary row: group, currency, then the ten sums in <see cref="UsageSummaryRow"/> order.</summary>
    public static UsageSummaryRow ReadSummary(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
        reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), new MicroUnits(reader.GetInt64(8)),
        reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11));
}
