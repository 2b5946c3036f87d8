using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Postgres;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Opens a test's own PostgreSQL database as one gateway instance. By default another instance's
/// holds count as orphans as soon as it is silent (the production grace is 30 s of missed
/// heartbeats), so a contract test can make an instance look dead by closing it.
/// </summary>
internal static class PostgresTestStore
{
    public static Task<IStorageBackend> OpenAsync(string connectionString, string instanceId, TimeSpan? orphanAfter = null) =>
        PostgresBackend.OpenAsync(Options(connectionString, instanceId), orphanAfter ?? TimeSpan.Zero, CancellationToken.None);

    public static StorageOptions Options(string connectionString, string instanceId) => new()
    {
        Config = StorageConfig.Default with { PostgresConnectionString = connectionString },
        DataDirectory = Path.GetTempPath(),
        InstanceId = instanceId,
        Currency = new CurrencyConverter(0.14m),
    };
}
