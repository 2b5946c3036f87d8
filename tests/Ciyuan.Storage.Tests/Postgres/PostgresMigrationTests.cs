using Ciyuan.Storage.Postgres;
using Ciyuan.Testing.Servers;
using Npgsql;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>Opening a shared database: migrating once when instances start together, refusing a newer schema, and errors that keep the password out.</summary>
public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task Open_SeveralInstancesAtOnceOnAnEmptyDatabase_MigrateOnce()
    {
        var database = await PostgresServer.CreateDatabaseAsync();

        var backends = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => PostgresTestStore.OpenAsync(database, $"instance-{i}")));
        foreach (var backend in backends)
        {
            await backend.DisposeAsync();
        }

        Assert.Equal([PostgresMigrator.LatestVersion], await ScalarsAsync<int>(database, "SELECT version FROM schema_version;"));
        Assert.Equal([0L, 0L], await ScalarsAsync<long>(database, "SELECT value FROM meta ORDER BY name;"));
    }

    [Fact]
    public async Task Open_DatabaseOfANewerBuild_RefusesAndChangesNothing()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await (await PostgresTestStore.OpenAsync(database, "instance-a")).DisposeAsync();
        await ScalarsAsync<int>(database, "UPDATE schema_version SET version = 99 RETURNING version;");
        var tables = await ScalarsAsync<string>(database, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;");

        var error = await Assert.ThrowsAsync<StorageException>(() => PostgresTestStore.OpenAsync(database, "instance-b"));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains($"knows only up to {PostgresMigrator.LatestVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal([99], await ScalarsAsync<int>(database, "SELECT version FROM schema_version;"));
        Assert.Equal(tables, await ScalarsAsync<string>(database, "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;"));
        Assert.Empty(await ScalarsAsync<string>(database, "SELECT id FROM instances WHERE id = 'instance-b';"));
    }

    [Fact]
    public async Task Open_ScriptMissingBelowTheHighestApplied_AppliesIt()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await (await PostgresTestStore.OpenAsync(database, "instance-a")).DisposeAsync();
        var last = PostgresMigrator.Scripts[^1].Version;
        var dashboard = PostgresMigrator.Scripts.Single(s => s.Name.EndsWith("_dashboard.sql", StringComparison.Ordinal)).Version;
        Assert.True(dashboard < last, "the dashboard's script is below the highest, as a branch's script merged later would be");
        await ScalarsAsync<int>(database, $"DROP TABLE usage_series; DROP TABLE admin_sessions; DROP TABLE admin_tokens; DELETE FROM schema_migrations WHERE version = {dashboard} RETURNING version;");

        await (await PostgresTestStore.OpenAsync(database, "instance-b")).DisposeAsync();

        Assert.Equal(PostgresMigrator.Scripts.Select(s => s.Version), await ScalarsAsync<int>(database, "SELECT version FROM schema_migrations ORDER BY version;"));
        Assert.Equal([0L], await ScalarsAsync<long>(database, "SELECT count(*) FROM admin_tokens;"));
        Assert.Equal([last], await ScalarsAsync<int>(database, "SELECT version FROM schema_version;"));
    }

    [Fact]
    public async Task Open_NoServerThere_NamesHostAndDatabaseButNeverThePassword()
    {
        var port = LoopbackPorts.Next();

        var connection = $"Host=127.0.0.1;Port={port};Username=gateway;Password=hunter2-very-secret;Database=ciyuan_books;Timeout=3";

        var error = await Assert.ThrowsAsync<StorageException>(() => PostgresTestStore.OpenAsync(connection, "instance-a"));

        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("ciyuan_books", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NotAConnectionString_SaysSoWithoutEchoingIt()
    {
        var error = await Assert.ThrowsAsync<StorageException>(() => PostgresTestStore.OpenAsync("Host=db;Password=hunter2-very-secret;Bogus Key=1", "instance-a"));

        Assert.Contains("storage.postgres", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<T>> ScalarsAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
