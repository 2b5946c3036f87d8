using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The change counters in <c>meta</c> that a running gateway polls to notice edits made by the CLI.</summary>
internal static class SqliteMeta
{
    public static async Task<long> ReadAsync(SqliteDatabase database, string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
    }

    public static async Task BumpAsync(SqliteConnection connection, SqliteTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var bump = connection.CreateCommand();
        bump.Transaction = transaction;
        bump.CommandText = "UPDATE meta SET value = value + 1 WHERE name = $name;";
        bump.Parameters.AddWithValue("$name", name);
        await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
