using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The dashboard's reads (rollups by bucket, records by the time and run indexes). The quarter-hour
/// rollups themselves are written with the records, in the same statement, into rows of the
/// writing instance's own (<see cref="PostgresUsageRecords.InsertWithRollups"/>).
/// </summary>
internal sealed class PostgresUsageTimeline(PostgresDatabase database) : IUsageTimeline
{
    public async Task<IReadOnlyList<UsageSeriesRow>> ReadSeriesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Each instance adds to rows of its own (until they are folded): one row per bucket and
        // deployment is their sum.
        await using var command = PgSql.Command(connection, """
            SELECT bucket, model_alias, provider, deployment, jurisdiction, currency, sum(requests)::bigint, sum(errors)::bigint,
                   sum(input_uncached)::bigint, sum(cache_read)::bigint, sum(cache_write)::bigint, sum(output)::bigint, sum(reasoning)::bigint,
                   sum(cost_micros)::bigint, sum(estimated)::bigint, sum(unpriced)::bigint
            FROM usage_series WHERE bucket >= $1 AND bucket < $2
            GROUP BY bucket, model_alias, provider, deployment, jurisdiction, currency
            ORDER BY bucket, model_alias, provider, deployment, jurisdiction, currency;
            """, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        return await ReadAllAsync(command, UsageSeriesRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadNewestAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {UsageRecordRows.Columns} FROM usage_records WHERE created_at >= $1 ORDER BY created_at DESC LIMIT $2;",
            since.ToUnixTimeMilliseconds(), limit);
        return await ReadAllAsync(command, UsageRecordRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadRunAsync(string runId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {UsageRecordRows.Columns} FROM usage_records WHERE run_id = $1 ORDER BY created_at DESC LIMIT $2;",
            runId, limit);
        return await ReadAllAsync(command, UsageRecordRows.Read, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
