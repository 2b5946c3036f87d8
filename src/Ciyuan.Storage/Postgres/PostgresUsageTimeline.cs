using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The dashboard's reads (rollups by bucket, records by the time and run indexes), and the
/// quarter-hour rollups themselves, kept in the records' transaction: summed per row first, then
/// upserted in key order so concurrent instances lock rows in the same order.
/// </summary>
internal sealed class PostgresUsageTimeline(PostgresDatabase database) : IUsageTimeline
{
    public static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<UsageRecord> records, CancellationToken cancellationToken)
    {
        var sums = new UsageSeriesSums();
        foreach (var record in records)
        {
            sums.Add(record);
        }

        if (sums.Count == 0)
        {
            return;
        }

        var rows = sums.Rows.ToList();
        var values = new object[6 + UsageSeriesSums.Width];
        values[0] = rows.Select(r => r.Key.Bucket).ToArray();
        values[1] = rows.Select(r => r.Key.Model).ToArray();
        values[2] = rows.Select(r => r.Key.Provider).ToArray();
        values[3] = rows.Select(r => r.Key.Deployment).ToArray();
        values[4] = rows.Select(r => r.Key.Jurisdiction).ToArray();
        values[5] = rows.Select(r => r.Key.Currency).ToArray();
        for (var i = 0; i < UsageSeriesSums.Width; i++)
        {
            var column = i;
            values[6 + i] = rows.Select(r => r.Value[column]).ToArray();
        }

        await using var command = PgSql.Command(connection, """
            INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, requests, errors, input_uncached,
                                      cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                                 $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
            ON CONFLICT (bucket, model_alias, provider, deployment, jurisdiction, currency) DO UPDATE SET
                requests = usage_series.requests + excluded.requests, errors = usage_series.errors + excluded.errors,
                input_uncached = usage_series.input_uncached + excluded.input_uncached, cache_read = usage_series.cache_read + excluded.cache_read,
                cache_write = usage_series.cache_write + excluded.cache_write, output = usage_series.output + excluded.output,
                reasoning = usage_series.reasoning + excluded.reasoning, cost_micros = usage_series.cost_micros + excluded.cost_micros,
                estimated = usage_series.estimated + excluded.estimated, unpriced = usage_series.unpriced + excluded.unpriced;
            """, values);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageSeriesRow>> ReadSeriesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {UsageSeriesRows.Columns} FROM usage_series WHERE bucket >= $1 AND bucket < $2 ORDER BY bucket;",
            from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
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
