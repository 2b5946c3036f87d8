using Ciyuan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

/// <summary>Migrations applied as a set: a script numbered below one already applied still runs, a newer database is refused.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ciyuan-migrate-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Open_ScriptMissingBelowTheHighestApplied_AppliesItAndKeepsTheHighest()
    {
        await (await SqliteTestStore.OpenAsync(_directory, "a")).DisposeAsync();
        var path = Path.Combine(_directory, "ciyuan.db");
        var skipped = Dashboard;
        var last = SqliteMigrator.LatestVersion;
        await ExecuteAsync(path, $"DROP TABLE usage_series; DROP TABLE admin_sessions; DROP TABLE admin_tokens; DELETE FROM schema_migrations WHERE version = {skipped}; PRAGMA user_version = {last + 1};");
        await ExecuteAsync(path, $"INSERT INTO schema_migrations (version) VALUES ({last + 1});");

        var error = await Assert.ThrowsAsync<StorageException>(() => SqliteTestStore.OpenAsync(_directory, "b"));
        await ExecuteAsync(path, $"DELETE FROM schema_migrations WHERE version = {last + 1}; PRAGMA user_version = {last};");
        await (await SqliteTestStore.OpenAsync(_directory, "c")).DisposeAsync();

        Assert.Contains($"schema version {last + 1}", error.Message, StringComparison.Ordinal);
        Assert.True(skipped < last);
        Assert.Equal(SqliteMigrator.Scripts.Select(s => (long)s.Version), await ScalarsAsync(path, "SELECT version FROM schema_migrations ORDER BY version;"));
        Assert.Equal([0L], await ScalarsAsync(path, "SELECT COUNT(*) FROM admin_tokens;"));
        Assert.Equal([(long)last], await ScalarsAsync(path, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task Open_DatabaseFromBeforeTheSetTable_TakesEveryScriptUpToItsVersionAsApplied()
    {
        await (await SqliteTestStore.OpenAsync(_directory, "a")).DisposeAsync();
        var path = Path.Combine(_directory, "ciyuan.db");
        var last = SqliteMigrator.LatestVersion;
        // A database as the build before the dashboard left it: every later script's tables and columns are not there yet.
        await ExecuteAsync(path, $"DROP TABLE usage_series; DROP TABLE admin_sessions; DROP TABLE admin_tokens; DROP TABLE response_items; DROP TABLE responses; ALTER TABLE usage_records DROP COLUMN failed_attempts; DROP TABLE schema_migrations; PRAGMA user_version = {Dashboard - 1};");

        await (await SqliteTestStore.OpenAsync(_directory, "b")).DisposeAsync();

        Assert.Equal(SqliteMigrator.Scripts.Select(s => (long)s.Version), await ScalarsAsync(path, "SELECT version FROM schema_migrations ORDER BY version;"));
        Assert.Equal([(long)last], await ScalarsAsync(path, "PRAGMA user_version;"));
    }

    /// <summary>The version of the dashboard's script, whose tables these tests drop and expect back.</summary>
    private static int Dashboard => SqliteMigrator.Scripts.Single(s => s.Name.EndsWith("_dashboard.sql", StringComparison.Ordinal)).Version;

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<List<long>> ScalarsAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
