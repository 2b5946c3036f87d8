using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Storage;

/// <summary>Opens the backend the config names: PostgreSQL when a connection string is given, the embedded SQLite file otherwise.</summary>
public static class StorageBackends
{
    public static Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken) =>
        options.Config.PostgresConnectionString is null
            ? SqliteBackend.OpenAsync(options, cancellationToken)
            : PostgresBackend.OpenAsync(options, cancellationToken);
}
