using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The dashboard's reads (rollups by bucket, records by the time and run indexes). The quarter-hour
/// rollups themselves are written with the records, in the same statement
/// (<see cref="PostgresUsageRecords.InsertWithRollups"/>).
/// </summary>
internal sealed class PostgresUsageTimeline(PostgresDatabase database) : IUsageTimeline
{
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
