using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Applies the numbered scripts in <c>Migrations/Postgres</c> that the database has not had, in
/// version order, each in its own transaction with its row in <c>schema_migrations</c>, so a failing
/// script leaves every earlier one applied. Applied versions are a set, not a high-water mark: a
/// script numbered below one already applied (two features built side by side) still runs.
/// <c>schema_version</c> keeps the highest, which builds before the set existed read. Each
/// transaction takes an advisory lock and reads the set again under it: instances starting together
/// wait for one another and never run a script twice. A database holding a version this build does
/// not know is refused untouched.
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
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"""
                SELECT pg_advisory_xact_lock({LockKey});
                CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
                """, cancellationToken).ConfigureAwait(false);
            var highest = await ScalarAsync(connection, transaction, "SELECT coalesce(max(version), 0) FROM schema_version;", cancellationToken).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, transaction, highest, cancellationToken).ConfigureAwait(false);
            var unknown = applied.Where(v => Scripts.All(s => s.Version != v)).DefaultIfEmpty().Max();
            if (highest > LatestVersion || unknown > 0)
            {
                // Rolled back with the transaction: even schema_version is left as it was.
                throw new StorageException(
                    $"the {description} has schema version {Math.Max(highest, unknown)}, but this build of Ciyuan knows only up to {LatestVersion}; " +
                    "run the newer Ciyuan that wrote it, or point storage at another database. Nothing was changed.");
            }

            var pending = Scripts.Where(s => !applied.Contains(s.Version)).ToArray();
            if (pending.Length == 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var (version, name) = pending[0];
            await ExecuteAsync(connection, transaction, ReadScript(name), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"""
                CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY);
                INSERT INTO schema_migrations (version) SELECT unnest(ARRAY[{string.Join(", ", applied.Append(version))}]) ON CONFLICT DO NOTHING;
                DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({Math.Max(highest, version)});
                """, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The versions already applied: the set table when there is one; otherwise (a database from
    /// before it) every script up to <c>schema_version</c>, which were then applied strictly in order.
    /// </summary>
    private static async Task<HashSet<int>> AppliedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int highest, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, transaction, "SELECT count(*)::integer FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations';", cancellationToken).ConfigureAwait(false) == 0)
        {
            return Scripts.Select(s => s.Version).Where(v => v <= highest).ToHashSet();
        }

        await using var read = new NpgsqlCommand("SELECT version FROM schema_migrations;", connection, transaction);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    private static async Task<int> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand(sql, connection, transaction);
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
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
