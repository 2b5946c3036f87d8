using Ciyuan.Core.Metering;
using Ciyuan.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The dashboard's reads: rollups by their leading key column (the bucket), records by the time and run indexes.</summary>
public sealed class SqliteUsageTimeline(SqliteDatabase database) : IUsageTimeline
{
    public async Task<IReadOnlyList<UsageSeriesRow>> ReadSeriesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UsageSeriesRows.Columns} FROM usage_series WHERE bucket >= $from AND bucket < $to ORDER BY bucket;";
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        return await ReadAllAsync(command, UsageSeriesRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadNewestAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UsageRecordRows.Columns} FROM usage_records WHERE created_at >= $since ORDER BY created_at DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, UsageRecordRows.Read, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadRunAsync(string runId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UsageRecordRows.Columns} FROM usage_records WHERE run_id = $run ORDER BY created_at DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, UsageRecordRows.Read, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(SqliteCommand command, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
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
