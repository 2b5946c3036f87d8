using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Sqlite;
using Ciyuan.Storage.Tests.Contracts;

namespace Ciyuan.Storage.Tests.Sqlite;

/// <summary>Opens a SQLite file of this test's own; every instance of the test opens the same file.</summary>
internal static class SqliteTestStore
{
    public static Task<IStorageBackend> OpenAsync(string directory, string instanceId) => SqliteBackend.OpenAsync(new StorageOptions
    {
        Config = StorageConfig.Default,
        DataDirectory = directory,
        InstanceId = instanceId,
        Currency = new CurrencyConverter(0.14m),
    }, CancellationToken.None);
}

public sealed class SqliteBudgetLedgerContractTests : BudgetLedgerContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}

public sealed class SqliteUsageLedgerContractTests : UsageLedgerContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}

public sealed class SqliteKeyStoreContractTests : KeyStoreContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}

public sealed class SqliteAdminStoreContractTests : AdminStoreContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}

public sealed class SqliteUsageSeriesContractTests : UsageSeriesContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}

public sealed class SqliteResponseStoreContractTests : ResponseStoreContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);
}
