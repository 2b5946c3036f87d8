using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Postgres;

namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// Opens a test's own PostgreSQL database as one gateway instance. By default another instance's
/// holds count as orphans as soon as it is silent (the production grace is 30 s of missed
/// heartbeats), so a contract test can make an instance look dead by closing it. Instances of one
/// database share a data directory (as instances on one host would), and no other test's.
/// </summary>
internal static class PostgresTestStore
{
    public static Task<IStorageBackend> OpenAsync(string connectionString, string instanceId, TimeSpan? orphanAfter = null) =>
        PostgresBackend.OpenAsync(Options(connectionString, instanceId), orphanAfter ?? TimeSpan.Zero, CancellationToken.None);

    /// <summary>An instance with a chosen clock, lease settings and (for tests that drive every step) no background work.</summary>
    public static async Task<PostgresBackend> OpenInstanceAsync(string connectionString, string instanceId, TimeSpan? orphanAfter = null,
        TimeProvider? time = null, LeaseConfig? leases = null, bool background = true) =>
        (PostgresBackend)await PostgresBackend.OpenAsync(Options(connectionString, instanceId, time, leases), orphanAfter ?? TimeSpan.Zero, CancellationToken.None, background);

    public static StorageOptions Options(string connectionString, string instanceId, TimeProvider? time = null, LeaseConfig? leases = null) => new()
    {
        Config = StorageConfig.Default with { PostgresConnectionString = connectionString, Leases = leases ?? LeaseConfig.Default },
        DataDirectory = DataDirectoryOf(connectionString),
        InstanceId = instanceId,
        Currency = new CurrencyConverter(0.14m),
        Time = time ?? TimeProvider.System,
    };

    private static string DataDirectoryOf(string connectionString) => Path.Combine(Path.GetTempPath(), "ciyuan-pg-tests",
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(connectionString)))[..16]);
}
