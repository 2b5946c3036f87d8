using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Applies the numbered scripts in <c>Migrations/Postgres</c> in order, each in its own transaction
/// with the version it reaches in <c>schema_version</c>, so a failing script leaves the database at
/// the last version that worked. Each transaction takes an advisory lock and reads the version again
/// under it: instances starting together wait for one another and never run a script twice. A
/// database from a newer build is refused untouched.
/// </summary>
internal static class PostgresMigrator
{
    private const string ResourcePrefix = "Ciyuan.Storage.Migrations.Postgres/";
    private const long LockKey = 0x4369_7975_616E; // "Ciyuan"

    public static IReadOnlyList<(int Version, string Name)> Scripts { get; } = typeof(PostgresMigrator).Assembly
        .GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Select(name => (Version: int.Parse(name.AsSpan(ResourcePrefix.Length, 4), System.Globalization.CultureInfo.InvariantCulture), Name: name))
        .OrderBy(script => script.Version)
        .ToArray();

    public static int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    public static async Task MigrateAsync(NpgsqlConnection connection, string description, CancellationToken cancellationToken)
    {
        foreach (var (version, name) in Scripts)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey}); CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);", cancellationToken).ConfigureAwait(false);
            int current;
            await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version;", connection, transaction))
            {
                current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            if (current > LatestVersion)
            {
                // Rolled back with the transaction: even schema_version is left as it was.
                throw new StorageException(
                    $"the {description} has schema version {current}, but this build of Ciyuan knows only up to {LatestVersion}; " +
                    "run the newer Ciyuan that wrote it, or point storage at another database. Nothing was changed.");
            }

            if (version <= current)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, ReadScript(name), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({version});", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string ReadScript(string name)
    {
        using var stream = typeof(PostgresMigrator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"migration script {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
