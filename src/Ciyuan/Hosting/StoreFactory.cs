using Ciyuan.Core.Configuration;
using Ciyuan.Storage.Sqlite;

namespace Ciyuan.Hosting;

/// <summary>Opens the configured store (SQLite under the data directory), migrated to this build's schema.</summary>
internal static class StoreFactory
{
    public static async Task<SqliteDatabase> OpenAsync(CiyuanPaths paths, CiyuanConfig config, CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(paths.DatabasePath(config.Storage), config.Storage.SyncToDisk);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return database;
    }
}
