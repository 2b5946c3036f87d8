using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ciyuan.Storage;

/// <summary>Opens the backend the config names: PostgreSQL when a connection string is given, the embedded SQLite file otherwise.</summary>
public static class StorageBackends
{
    /// <summary>
    /// Opens and migrates the store. Whatever stops it — a data directory that is a file, a corrupt
    /// or unreadable database, a server that refuses — is a <see cref="StorageException"/> with one
    /// sentence, which the command line reports with exit code 74 instead of a stack trace.
    /// </summary>
    public static async Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        var where = options.Config.PostgresConnectionString is null
            ? $"the SQLite database under '{options.DataDirectory}'"
            : "the PostgreSQL database in storage.postgres";
        try
        {
            return options.Config.PostgresConnectionString is null
                ? await SqliteBackend.OpenAsync(options, cancellationToken).ConfigureAwait(false)
                : await PostgresBackend.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new StorageException($"cannot open {where}: {Describe(ex)}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot open {where}: {ex.Message}", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new StorageException($"cannot open {where}: {ex.Message}", ex);
        }
    }

    private static string Describe(SqliteException ex) => ex.SqliteErrorCode switch
    {
        11 or 26 => "the file is not a SQLite database, or it is corrupt (restore it from a backup, or point storage.sqlite at another file)",
        14 => "the file cannot be opened (is the data directory a directory, and writable?)",
        8 => "the file is read-only",
        13 => "the disk is full",
        _ => ex.Message,
    };
}
