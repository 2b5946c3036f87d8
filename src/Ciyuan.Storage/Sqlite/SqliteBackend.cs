using Ciyuan.Core.Admin;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Sqlite;

/// <summary>The embedded backend: one file under the data directory, one gateway writing it.</summary>
public sealed class SqliteBackend : IStorageBackend
{
    private readonly Storage.Responses.DbResponseStore _responses;
    private readonly SqliteUsageLedger _ledger;
    private readonly SqliteBudgetLedger _budgetLedger;

    private readonly HoldJournal _journal;

    private SqliteBackend(SqliteDatabase database, StorageOptions options)
    {
        Database = database;
        var metrics = LedgerMetrics.For(options.Meter, "sqlite");
        _ledger = new SqliteUsageLedger(database, options.Currency, options.InstanceId, committed: record => _budgetLedger!.Committed(record), options.Time, metrics);

        // The journal lives beside the database file it belongs to.
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database.Path)) ?? ".", Path.GetFileNameWithoutExtension(database.Path) + "-holds");
        _journal = new HoldJournal(directory, options.InstanceId, options.Config.SyncToDisk);
        _budgetLedger = new SqliteBudgetLedger(database, _ledger, _journal, options, metrics);
        Keys = new SqliteKeyStore(database);
        Reports = new SqliteUsageReader(database);
        Budgets = new SqliteBudgetStore(database, options.Time);
        Admins = new SqliteAdminStore(database);
        Timeline = new SqliteUsageTimeline(database);
        _responses = new Storage.Responses.DbResponseStore(async token => await database.OpenAsync(token).ConfigureAwait(false));
    }

    public string Name => "sqlite";

    private SqliteDatabase Database { get; }

    public IKeyStore Keys { get; }

    public IUsageLedger Usage => _ledger;

    public IUsageReader Reports { get; }

    public IBudgetStore Budgets { get; }

    public IBudgetLedger BudgetLedger => _budgetLedger;

    public IChangeFeed Changes { get; } = new PollingChangeFeed(PollingChangeFeed.DefaultInterval);

    public StorageHealth Health { get; } = StorageHealth.Local("sqlite");

    public IAdminStore Admins { get; }

    public IUsageTimeline Timeline { get; }

    public Core.Responses.IResponseStore Responses => _responses;

    /// <summary>Opens (creating if needed) and migrates the file the options name.</summary>
    public static async Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken)
    {
        var path = Path.IsPathRooted(options.Config.SqlitePath) ? options.Config.SqlitePath : Path.Combine(options.DataDirectory, options.Config.SqlitePath);
        PrivateFiles.CreateDirectory(options.DataDirectory);
        var database = new SqliteDatabase(path, options.Config.SyncToDisk);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteBackend(database, options);
    }

    public Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken) => _budgetLedger.ReconcileOrphansAsync(cancellationToken);

    public async Task<long> ScrubSecretsAsync(IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var worth = SecretScrub.Worth(secrets);
        if (worth.Count == 0)
        {
            return 0;
        }

        var fingerprint = SecretScrub.Fingerprint(worth);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT value FROM meta WHERE name = $name;";
            read.Parameters.AddWithValue("$name", SecretScrub.MetaName);
            if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long done && done == fingerprint)
            {
                return 0;
            }
        }

        long changed = 0;
        await using (var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var secret in worth)
            {
                await using var scrub = connection.CreateCommand();
                scrub.Transaction = transaction;
                scrub.CommandText = "UPDATE usage_records SET error = replace(error, $secret, $mask) WHERE error IS NOT NULL AND instr(error, $secret) > 0;";
                scrub.Parameters.AddWithValue("$secret", secret);
                scrub.Parameters.AddWithValue("$mask", SecretScrub.Mask);
                changed += await scrub.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var mark = connection.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "INSERT INTO meta (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value;";
            mark.Parameters.AddWithValue("$name", SecretScrub.MetaName);
            mark.Parameters.AddWithValue("$value", fingerprint);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (changed > 0)
        {
            // The old text may still sit in the WAL file until a checkpoint copies the new pages over it.
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

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
        await _responses.DisposeAsync().ConfigureAwait(false);
        await _ledger.DisposeAsync().ConfigureAwait(false);
        _budgetLedger.Dispose();
        _journal.Dispose();
    }
}
