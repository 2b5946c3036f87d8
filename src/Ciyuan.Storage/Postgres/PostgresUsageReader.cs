using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Postgres;

/// <summary>Ledger queries for reports, across every instance's requests: rollups without a start time, request lines with one.</summary>
public sealed class PostgresUsageReader(PostgresDatabase database) : IUsageReader
{
    private const string Filters =
        "($1::bigint IS NULL OR created_at >= $1) AND ($2::text IS NULL OR key_id = $2) AND ($3::text IS NULL OR project = $3) AND ($4::text IS NULL OR run_id = $4)" +
        " AND ($5::text IS NULL OR model_alias = $5) AND ($6::text IS NULL OR provider = $6) AND ($7::text IS NULL OR true) AND ($8::text IS NULL OR true)" +
        " AND ($9::bigint IS NULL OR created_at >= $9) AND ($10::bigint IS NULL OR created_at < $10)";

    private const string RollupFilters =
        "($1::bigint IS NULL OR true) AND ($2::text IS NULL OR key_id = $2) AND ($3::text IS NULL OR project = $3) AND ($4::text IS NULL OR run_id = $4)" +
        " AND ($5::text IS NULL OR model_alias = $5) AND ($6::text IS NULL OR provider = $6) AND ($7::text IS NULL OR day >= $7) AND ($8::text IS NULL OR day <= $8)" +
        " AND ($9::bigint IS NULL OR true) AND ($10::bigint IS NULL OR true)";

    /// <summary>The values of <c>$1</c> to <c>$10</c> of <see cref="Filters"/> and <see cref="RollupFilters"/>.</summary>
    private static object?[] FilterValues(UsageQuery query) =>
    [
        query.Since?.ToUnixTimeMilliseconds(), query.KeyId, query.Project, query.RunId, query.Model, query.Provider,
        UsageQuery.DayText(query.FromDay), UsageQuery.DayText(query.ToDay), query.FromMilliseconds, query.ToMillisecondsExclusive,
    ];

    public async Task<IReadOnlyList<UsageRecord>> ListAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection,
            $"SELECT {PostgresUsageRecords.Columns} FROM usage_records WHERE {Filters} AND ($12 = 0 OR usage_suspect = 1) ORDER BY created_at DESC, request_id LIMIT $11;",
            [.. FilterValues(query), query.Limit, query.SuspectOnly ? 1 : 0]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await Rows.UsageRecordRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageSummaryRow>> SummarizeAsync(UsageGrouping grouping, UsageQuery query, CancellationToken cancellationToken)
    {
        var fromRollups = query.Since is null;
        var group = Rows.UsageGroupingColumns.For(grouping, fromRollups, "to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
        var sql = fromRollups
            ? $"""
                SELECT {group} AS grp, currency, sum(requests)::bigint, sum(input_uncached)::bigint, sum(cache_read)::bigint, sum(cache_write)::bigint,
                       sum(output)::bigint, sum(reasoning)::bigint, sum(cost_micros)::bigint, sum(estimated)::bigint, sum(unpriced)::bigint, sum(suspect)::bigint
                FROM usage_rollups
                WHERE {RollupFilters}
                GROUP BY grp, currency ORDER BY grp, currency;
                """
            : $"""
                SELECT {group} AS grp, currency, count(*), sum(input_uncached)::bigint, sum(cache_read)::bigint, sum(cache_write)::bigint,
                       sum(output)::bigint, sum(reasoning)::bigint, sum(cost_micros)::bigint, sum(usage_estimated)::bigint, sum(unpriced)::bigint, sum(usage_suspect)::bigint
                FROM usage_records WHERE {Filters}
                GROUP BY grp, currency ORDER BY grp, currency;
                """;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, sql, FilterValues(query));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await Rows.UsageRecordRows.ReadSummariesAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
