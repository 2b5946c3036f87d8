namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Keeps the shared tables bounded: request lines older than the retention go (rollups keep their
/// totals), and so do the budget entries of requests settled before it — never those of a request
/// still in doubt — and instances long gone. Deleted in slices of a few thousand rows, each its own
/// transaction, so a first run over millions of rows never holds locks for long.
/// </summary>
internal static class PostgresRetention
{
    private const int Slice = 5_000;

    public static async Task<long> ApplyAsync(PostgresDatabase database, long olderThan, TimeSpan orphanAfter, CancellationToken cancellationToken)
    {
        long records = 0;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Entries first: whether a request is settled is read from its record too.
        while (await DeleteAsync(connection, $"""
            DELETE FROM budget_entries e WHERE e.request_id IN (
                SELECT h.request_id FROM budget_entries h
                WHERE h.kind = 'hold' AND h.seq = 0 AND h.at < $1
                  AND (EXISTS (SELECT 1 FROM budget_entries c WHERE c.request_id = h.request_id AND c.kind IN ('commit', 'release'))
                       OR EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id))
                LIMIT {Slice});
            """, olderThan, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        long deleted;
        do
        {
            deleted = await DeleteAsync(connection, $"""
                DELETE FROM usage_records WHERE ctid IN (SELECT ctid FROM usage_records WHERE created_at < $1 LIMIT {Slice});
                """, olderThan, cancellationToken).ConfigureAwait(false);
            records += deleted;
        }
        while (deleted > 0);

        // Stray attempt entries of requests whose hold went above, and instances gone since before the cut.
        await DeleteAsync(connection, """
            DELETE FROM budget_entries a WHERE a.kind = 'attempt' AND a.at < $1
              AND NOT EXISTS (SELECT 1 FROM budget_entries h WHERE h.request_id = a.request_id AND h.kind = 'hold');
            """, olderThan, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(connection, $"DELETE FROM instances WHERE gone AND last_seen < $1 - {(long)orphanAfter.TotalMilliseconds};", olderThan, cancellationToken).ConfigureAwait(false);
        return records;
    }

    private static async Task<int> DeleteAsync(Npgsql.NpgsqlConnection connection, string sql, long olderThan, CancellationToken cancellationToken)
    {
        await using var command = PgSql.Command(connection, sql, olderThan);
        command.CommandTimeout = 120;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
