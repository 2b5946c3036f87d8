using Ciyuan.Core.Metering;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>The one place that maps <see cref="UsageRecord"/> to <c>usage_records</c> on PostgreSQL.</summary>
internal static class PostgresUsageRecords
{
    public const string Columns = Rows.UsageRecordRows.Columns;

    /// <summary>The dashboard's bucket (a quarter hour) in Unix ms; the Unix epoch falls on a bucket boundary.</summary>
    private static readonly long SeriesBucketMs = (long)UsageSeriesRow.BucketWidth.TotalMilliseconds;

    /// <summary>
    /// All records in one statement (a column per array); a request id already recorded is skipped,
    /// and the daily rollups and the dashboard's quarter-hour series take only the records that went
    /// in — summed per row and upserted in key order into rows of the writing instance's own
    /// (<paramref name="instance"/>), so instances writing at once never wait on one another's
    /// rollups. A failed request counts as an error in the series; one the client walked away from does not.
    /// </summary>
    public static NpgsqlBatchCommand InsertWithRollups(IReadOnlyList<UsageRecord> r, string instance) => PgSql.Command($"""
        WITH rec AS (
            INSERT INTO usage_records ({Columns})
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::integer[], $17::bigint[], $18::text[],
                $19::integer[], $20::text[], $21::integer[], $22::text[], $23::integer[], $24::integer[], $25::double precision[],
                $26::double precision[], $27::text[], $28::integer[], $29::text[], $30::text[])
            ON CONFLICT (request_id) DO NOTHING
            RETURNING *),
        series AS (
            INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, instance, requests, errors, input_uncached,
                                      cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
            SELECT created_at - created_at % {SeriesBucketMs} AS bucket, model_alias, provider, deployment, jurisdiction, currency, $31, count(*),
                   sum(CASE WHEN status IN ('{RequestStatus.Ok}', '{RequestStatus.ClientDisconnected}') THEN 0 ELSE 1 END),
                   sum(input_uncached), sum(cache_read), sum(cache_write), sum(output), sum(reasoning), sum(cost_micros),
                   sum(usage_estimated), sum(unpriced)
            FROM rec
            GROUP BY 1, 2, 3, 4, 5, 6
            ORDER BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (bucket, model_alias, provider, deployment, jurisdiction, currency, instance) DO UPDATE SET
                requests = usage_series.requests + excluded.requests, errors = usage_series.errors + excluded.errors,
                input_uncached = usage_series.input_uncached + excluded.input_uncached, cache_read = usage_series.cache_read + excluded.cache_read,
                cache_write = usage_series.cache_write + excluded.cache_write, output = usage_series.output + excluded.output,
                reasoning = usage_series.reasoning + excluded.reasoning, cost_micros = usage_series.cost_micros + excluded.cost_micros,
                estimated = usage_series.estimated + excluded.estimated, unpriced = usage_series.unpriced + excluded.unpriced)
        INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, instance, requests, input_uncached, cache_read,
                                   cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
        SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, key_id, coalesce(project, '') AS project,
               coalesce(run_id, '') AS run_id, model_alias, provider, currency, $31, count(*), sum(input_uncached), sum(cache_read), sum(cache_write),
               sum(output), sum(reasoning), sum(cost_micros), sum(usage_estimated), sum(unpriced), sum(usage_suspect)
        FROM rec
        GROUP BY 1, 2, 3, 4, 5, 6, 7
        ORDER BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT (day, key_id, project, run_id, model_alias, provider, currency, instance) DO UPDATE SET
            requests = usage_rollups.requests + excluded.requests, input_uncached = usage_rollups.input_uncached + excluded.input_uncached,
            cache_read = usage_rollups.cache_read + excluded.cache_read, cache_write = usage_rollups.cache_write + excluded.cache_write,
            output = usage_rollups.output + excluded.output, reasoning = usage_rollups.reasoning + excluded.reasoning,
            cost_micros = usage_rollups.cost_micros + excluded.cost_micros, estimated = usage_rollups.estimated + excluded.estimated,
            unpriced = usage_rollups.unpriced + excluded.unpriced, suspect = usage_rollups.suspect + excluded.suspect;
        """,
        r.Select(x => x.RequestId).ToArray(),
        r.Select(x => x.CreatedAt.ToUnixTimeMilliseconds()).ToArray(),
        r.Select(x => x.KeyId).ToArray(),
        r.Select(x => x.RunId).ToArray(),
        r.Select(x => x.Endpoint).ToArray(),
        r.Select(x => x.ModelAlias).ToArray(),
        r.Select(x => x.Provider).ToArray(),
        r.Select(x => x.Deployment).ToArray(),
        r.Select(x => x.UpstreamModel).ToArray(),
        r.Select(x => x.Jurisdiction).ToArray(),
        r.Select(x => x.Usage.InputUncached).ToArray(),
        r.Select(x => x.Usage.CacheRead).ToArray(),
        r.Select(x => x.Usage.CacheWrite).ToArray(),
        r.Select(x => x.Usage.Output).ToArray(),
        r.Select(x => x.Usage.Reasoning).ToArray(),
        r.Select(x => x.UsageEstimated ? 1 : 0).ToArray(),
        r.Select(x => x.Cost.Value).ToArray(),
        r.Select(x => x.Currency).ToArray(),
        r.Select(x => x.Unpriced ? 1 : 0).ToArray(),
        r.Select(x => x.Status).ToArray(),
        r.Select(x => x.HttpStatus).ToArray(),
        r.Select(x => x.Error).ToArray(),
        r.Select(x => x.Streamed ? 1 : 0).ToArray(),
        r.Select(x => x.Attempts).ToArray(),
        r.Select(x => x.LatencyMs).ToArray(),
        r.Select(x => x.TimeToFirstTokenMs).ToArray(),
        r.Select(x => x.Project).ToArray(),
        r.Select(x => x.UsageSuspect ? 1 : 0).ToArray(),
        r.Select(x => Rows.ClaimedUsageText.Write(x.ClaimedUsage)).ToArray(),
        r.Select(x => Rows.FailedAttemptsText.Write(x.FailedAttempts)).ToArray(),
        instance);
}
