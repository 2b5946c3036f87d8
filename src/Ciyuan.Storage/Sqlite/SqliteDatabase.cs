using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// The embedded database file. WAL journal: readers never block the ledger writer, and a commit
/// is appended to the WAL file before it returns, so it survives the process being killed.
/// With <c>sync_to_disk</c> every commit is also flushed, which survives power loss.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly bool _syncToDisk;

    public SqliteDatabase(string path, bool syncToDisk)
    {
        Path = path;
        _syncToDisk = syncToDisk;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            PrivateFiles.CreateDirectory(directory);
        }

        // SQLite creates the -wal and -shm files with the main file's mode, so 0600 here covers them.
        PrivateFiles.EnsureFile(path);
        PrivateFiles.Tighten(path + "-wal");
        PrivateFiles.Tighten(path + "-shm");

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        // secure_delete: text that is deleted or rewritten (a masked secret, retention) is zeroed on disk, not left in free pages.
        pragma.CommandText = _syncToDisk
            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;"
            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Brings the schema to the version this build knows, or refuses an unknown newer one.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteMigrator.MigrateAsync(connection, Path, cancellationToken).ConfigureAwait(false);
    }
}
