using Ciyuan.Core.Metering;
using Ciyuan.Storage.Tests.Contracts;

namespace Ciyuan.Storage.Tests.Sqlite;

/// <summary>The ledger's writer outlives a batch that fails, whatever the failure, and nobody is left waiting.</summary>
public sealed class GroupCommitTests : StorageContract
{
    protected override Task<IStorageBackend> OpenBackendAsync(string instanceId) => SqliteTestStore.OpenAsync(ScratchDirectory, instanceId);

    [Fact]
    public async Task Record_BatchFailsOnAnUnknownCurrency_ThatCallerGetsTheErrorAndTheNextRecordIsWritten()
    {
        var store = await OpenAsync();
        var line = Line("run:eur", 1_000, currency: "EUR");
        var hold = Hold("bad", [line], 10);

        var error = await Assert.ThrowsAsync<StorageException>(() => store.Usage.RecordAsync(Record("bad", 5, hold), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await store.Usage.RecordAsync(Record("good", 5), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("EUR", error.Message, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(await store.Reports.ListAsync(new UsageQuery(), CancellationToken.None)).RequestId);
    }
}
