using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The change counters in <c>meta</c>: every change bumps its counter and notifies the other
/// instances (<see cref="PostgresChangeFeed"/>) in the same transaction, so the notice is delivered
/// once the change is committed and never before.
/// </summary>
internal static class PostgresMeta
{
    public static async Task BumpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var bump = new NpgsqlCommand($"WITH bumped AS (UPDATE meta SET value = value + 1 WHERE name = $1 RETURNING name) SELECT pg_notify('{PostgresChangeFeed.ChangesChannel}', name) FROM bumped;", connection, transaction);
        bump.Parameters.Add(new NpgsqlParameter { Value = name });
        await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<long> ReadAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT value FROM meta WHERE name = $1;", connection);
        read.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
    }
}
