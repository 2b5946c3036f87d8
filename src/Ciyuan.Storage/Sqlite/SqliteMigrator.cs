using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Applies the numbered scripts in <c>Migrations/Sqlite</c> in order, each in its own transaction,
/// recording the version in SQLite's <c>user_version</c>. A database from a newer build is refused
/// untouched: altering data we do not understand could lose ledger lines.
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
        var current = await GetVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (current > LatestVersion)
        {
            throw new StorageException(
                $"the database '{path}' has schema version {current}, but this build of Ciyuan knows only up to {LatestVersion}; " +
                "run the newer Ciyuan that wrote it, or point storage at another file. Nothing was changed.");
        }

        foreach (var (version, name) in Scripts)
        {
            if (version <= current)
            {
                continue;
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = ReadScript(name) + $"\nPRAGMA user_version = {version};";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<int> GetVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ReadScript(string name)
    {
        using var stream = typeof(SqliteMigrator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"migration script {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
