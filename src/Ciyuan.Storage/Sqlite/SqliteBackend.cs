using Ciyuan.Core.Admin;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The embedded backend: one file under the data directory, one gateway writing it.</summary>
public sealed class SqliteBackend : IStorageBackend
{
    private readonly SqliteUsageLedger _ledger;
    private readonly SqliteBudgetLedger _budgetLedger;

    private readonly HoldJournal _journal;

    private SqliteBackend(SqliteDatabase database, StorageOptions options)
    {
        Database = database;
        _ledger = new SqliteUsageLedger(database, options.Currency, options.InstanceId, committed: record => _budgetLedger!.Committed(record));

        // The journal lives beside the database file it belongs to.
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database.Path)) ?? ".", Path.GetFileNameWithoutExtension(database.Path) + "-holds");
        _journal = new HoldJournal(directory, options.InstanceId, options.Config.SyncToDisk);
        _budgetLedger = new SqliteBudgetLedger(database, _ledger, _journal, options);
        Keys = new SqliteKeyStore(database);
        Reports = new SqliteUsageReader(database);
        Budgets = new SqliteBudgetStore(database, options.Time);
        Admins = new SqliteAdminStore(database);
        Timeline = new SqliteUsageTimeline(database);
    }

    public string Name => "sqlite";

    private SqliteDatabase Database { get; }

    public IKeyStore Keys { get; }

    public IUsageLedger Usage => _ledger;

    public IUsageReader Reports { get; }

    public IBudgetStore Budgets { get; }

    public IBudgetLedger BudgetLedger => _budgetLedger;

    public IAdminStore Admins { get; }

    public IUsageTimeline Timeline { get; }

    /// <summary>Opens (creating if needed) and migrates the file the options name.</summary>
    public static async Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        var path = Path.IsPathRooted(options.Config.SqlitePath) ? options.Config.SqlitePath : Path.Combine(options.DataDirectory, options.Config.SqlitePath);
        var database = new SqliteDatabase(path, options.Config.SyncToDisk);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteBackend(database, options);
    }

    public Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken) => _budgetLedger.ReconcileOrphansAsync(cancellationToken);

    public async Task<long> ApplyRetentionAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM usage_records WHERE created_at < $before;";
        delete.Parameters.AddWithValue("$before", olderThan.ToUnixTimeMilliseconds());
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _ledger.DisposeAsync().ConfigureAwait(false);
        _budgetLedger.Dispose();
        _journal.Dispose();
    }
}
