using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Tests.Contracts;
using Ciyuan.Testing.Servers;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Opens this test's own PostgreSQL database. Another instance's holds count as orphans as soon as
/// it is silent (the production grace is 30 s of missed heartbeats).
/// </summary>
internal static class PostgresTestStore
{
    public static Task<IStorageBackend> OpenAsync(string connectionString, string instanceId) => PostgresBackend.OpenAsync(new StorageOptions
    {
        Config = StorageConfig.Default with { PostgresConnectionString = connectionString },
        DataDirectory = Path.GetTempPath(),
        InstanceId = instanceId,
        Currency = new CurrencyConverter(0.14m),
    }, TimeSpan.Zero, CancellationToken.None);
}

public sealed class PostgresBudgetLedgerContractTests : BudgetLedgerContract
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);
}

public sealed class PostgresUsageLedgerContractTests : UsageLedgerContract
{
    private readonly Lazy<Task<string>> _database = new(PostgresServer.CreateDatabaseAsync);

    protected override async Task<IStorageBackend> OpenBackendAsync(string instanceId) =>
        await PostgresTestStore.OpenAsync(await _database.Value, instanceId);
}
