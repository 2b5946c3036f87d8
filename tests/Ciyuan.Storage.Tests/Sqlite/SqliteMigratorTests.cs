using Ciyuan.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Tests.Sqlite;

public sealed class SqliteMigratorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task MigrateAsync_FreshFile_CreatesSchemaAndSetsUserVersion()
    {
        var path = _directory.File("fresh.db");
        var database = new SqliteDatabase(path, syncToDisk: false);

        await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.True(SqliteMigrator.LatestVersion >= 1);
        using var connection = OpenRaw(path);
        Assert.Equal(SqliteMigrator.LatestVersion, Scalar<long>(connection, "PRAGMA user_version;"));
        var tables = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");
        Assert.Equal(new[] { "admin_sessions", "admin_tokens", "budget_entries", "budget_spend", "budgets", "client_keys", "meta", "response_items", "responses", "schema_migrations", "usage_records", "usage_rollups", "usage_series" }, tables);
        var indexes = Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%' ORDER BY name;");
        Assert.Equal(new[] { "ix_admin_sessions_token", "ix_budget_entries_open", "ix_response_items_id", "ix_responses_created", "ix_usage_records_created", "ix_usage_records_key", "ix_usage_records_project", "ix_usage_records_run", "ix_usage_records_suspect" }, indexes);
        Assert.Equal(0L, Scalar<long>(connection, "SELECT value FROM meta WHERE name = 'budgets_version';"));
        Assert.Equal(0L, Scalar<long>(connection, "SELECT value FROM meta WHERE name = 'keys_version';"));
    }

    [Fact]
    public async Task MigrateAsync_Twice_IsANoOp()
    {
        var path = _directory.File("twice.db");
        var database = new SqliteDatabase(path, syncToDisk: false);
        var token = TestContext.Current.CancellationToken;

        await database.MigrateAsync(token);
        await new SqliteKeyStore(database).CreateAsync(SqliteKeyStoreTests.NewKey("k1", 1), token);
        await database.MigrateAsync(token);

        using var connection = OpenRaw(path);
        Assert.Equal(SqliteMigrator.LatestVersion, Scalar<long>(connection, "PRAGMA user_version;"));
        Assert.Equal(1L, Scalar<long>(connection, "SELECT COUNT(*) FROM client_keys;"));
        Assert.Equal(1L, Scalar<long>(connection, "SELECT value FROM meta WHERE name = 'keys_version';"));
    }

    [Fact]
    public async Task MigrateAsync_NewerUserVersion_ThrowsAndLeavesDatabaseUnchanged()
    {
        var path = _directory.File("future.db");
        using (var setup = OpenRaw(path))
        {
            Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE future_things (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO future_things (note) VALUES ('keep me'); PRAGMA user_version = 99;");
        }

        var database = new SqliteDatabase(path, syncToDisk: false);

        var error = await Assert.ThrowsAsync<StorageException>(() => database.MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"knows only up to {SqliteMigrator.LatestVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        using var connection = OpenRaw(path);
        Assert.Equal(99L, Scalar<long>(connection, "PRAGMA user_version;"));
        Assert.Equal(new[] { "future_things" }, Strings(connection, "SELECT name FROM sqlite_master ORDER BY name;"));
        Assert.Equal(new[] { "keep me" }, Strings(connection, "SELECT note FROM future_things;"));
    }

    [Fact]
    public async Task SqliteDatabase_MissingParentDirectory_IsCreated()
    {
        var path = Path.Combine(_directory.Path, "nested", "deeper", "ciyuan.db");
        var database = new SqliteDatabase(path, syncToDisk: false);

        await database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData(false, 1L)]
    [InlineData(true, 2L)]
    public async Task OpenAsync_SyncToDisk_SetsWalAndSynchronousLevel(bool syncToDisk, long expectedSynchronous)
    {
        var database = new SqliteDatabase(_directory.File($"sync-{syncToDisk}.db"), syncToDisk);

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);

        Assert.Equal("wal", Scalar<string>(connection, "PRAGMA journal_mode;"));
        Assert.Equal(expectedSynchronous, Scalar<long>(connection, "PRAGMA synchronous;"));
    }

    internal static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
