using Ciyuan.Core.Metering;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>The one place that maps <see cref="UsageRecord"/> to and from <c>usage_records</c> on PostgreSQL.</summary>
internal static class PostgresUsageRecords
{
    public const string Columns = Rows.UsageRecordRows.Columns;

    /// <summary>All records in one statement (a column per array); a request id already recorded is skipped. Returns the new ids.</summary>
    public static NpgsqlBatchCommand Insert(IReadOnlyList<UsageRecord> r) => PgSql.Command($"""
        INSERT INTO usage_records ({Columns})
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::integer[], $17::bigint[], $18::text[],
            $19::integer[], $20::text[], $21::integer[], $22::text[], $23::integer[], $24::integer[], $25::double precision[],
            $26::double precision[], $27::text[], $28::integer[], $29::text[])
        ON CONFLICT (request_id) DO NOTHING RETURNING request_id;
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
        r.Select(x => Rows.ClaimedUsageText.Write(x.ClaimedUsage)).ToArray());
}
