using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Applies the numbered scripts in <c>Migrations/Sqlite</c> that the database has not had, in
/// version order, each in its own transaction with its row in <c>schema_migrations</c>. Applied
/// versions are kept as a set, not a high-water mark, so a script numbered below one already
/// applied (two features built side by side) still runs. SQLite's <c>user_version</c> holds the
/// highest version, which is what builds before the set existed read. A database holding a version
/// this build does not know is refused untouched: altering data we do not understand could lose
/// ledger lines.
/// </summary>
internal static class SqliteMigrator
{
    private const string ResourcePrefix = "Ciyuan.Storage.Migrations.Sqlite/";

    public static IReadOnlyList<(int Version, string Name)> Scripts { get; } = typeof(SqliteMigrator).Assembly
        .GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(name => (Version: int.Parse(name.AsSpan(ResourcePrefix.Length, 4), System.Globalization.CultureInfo.InvariantCulture), Name: name))
        .OrderBy(script => script.Version)
        .ToArray();

    public static int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    public static async Task MigrateAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        var highest = await GetVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        var applied = await AppliedAsync(connection, highest, cancellationToken).ConfigureAwait(false);
        var unknown = applied.Where(v => Scripts.All(s => s.Version != v)).ToArray();
        if (highest > LatestVersion || unknown.Length > 0)
        {
            throw new StorageException(
                $"the database '{path}' has schema version {Math.Max(highest, unknown.DefaultIfEmpty().Max())}, but this build of Ciyuan knows only up to {LatestVersion}; " +
                "run the newer Ciyuan that wrote it, or point storage at another file. Nothing was changed.");
        }

        foreach (var (version, name) in Scripts)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            highest = Math.Max(highest, version);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = $"{ReadScript(name)}\n{RecordSql(applied)}INSERT INTO schema_migrations (version) VALUES ({version});\nPRAGMA user_version = {highest};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(version);
        }
    }

    public static async Task<int> GetVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The versions already applied: the set table when there is one; otherwise (a database from
    /// before it) every script up to <c>user_version</c>, which were then applied strictly in order.
    /// </summary>
    private static async Task<HashSet<int>> AppliedAsync(SqliteConnection connection, int highest, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return Scripts.Select(s => s.Version).Where(v => v <= highest).ToHashSet();
        }

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT version FROM schema_migrations;";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    /// <summary>Creates the set table when missing, with the versions a database from before it already had.</summary>
    private static string RecordSql(HashSet<int> applied) =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY);\n"
        + string.Concat(applied.Select(v => $"INSERT OR IGNORE INTO schema_migrations (version) VALUES ({v});\n"));

    private static string ReadScript(string name)
    {
        using var stream = typeof(SqliteMigrator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"migration script {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
