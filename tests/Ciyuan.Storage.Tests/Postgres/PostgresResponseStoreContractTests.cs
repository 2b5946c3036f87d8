using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>The stored-responses contract on PostgreSQL; each test gets a database of its own.</summary>
public sealed class PostgresResponseStoreContractTests : ResponseStoreContract
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);
}
