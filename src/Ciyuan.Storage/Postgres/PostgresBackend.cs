using Ciyuan.Core.Admin;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Budgets.Leases;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Backlog;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The shared backend: several gateway instances on one PostgreSQL database. Each instance
/// heartbeats every few seconds; holds of an instance silent for <c>orphan_after</c> are reconciled
/// into in-doubt by whichever instance looks next (every <c>orphan_after</c>, and at start-up).
/// Budgets are checked against leased slices in memory; keys and budget lines are reloaded when
/// another instance notifies a change. In the background it also renews and gives back slices and
/// writes the outage backlog once the database is back.
/// </summary>
public sealed class PostgresBackend : IStorageBackend
{
    /// <summary>How many writes may wait for an unreachable database (each also in the outage journal).</summary>
    internal const int BacklogCapacity = 100_000;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    /// <summary>How often past days' rollup rows of each instance are folded into the shared rows.</summary>
    private static readonly TimeSpan FoldInterval = TimeSpan.FromMinutes(10);

    private readonly Storage.Responses.DbResponseStore _responses;
    private readonly TimeSpan _heartbeatInterval;
    private readonly TimeSpan _reconcileInterval;
    private readonly TimeSpan _maintainInterval;

    private readonly PostgresDatabase _database;
    private readonly PostgresUsageLedger _ledger;
    private readonly PostgresBudgetLedger _budgetLedger;
    private readonly PostgresLeases _leases;
    private readonly PostgresChangeFeed _changes;
    private readonly LeaseBook _book;
    private readonly OutageJournal _journal;
    private readonly StorageOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _background;
    private DateTimeOffset? _unreachableSince;

    private PostgresBackend(PostgresDatabase database, StorageOptions options, TimeSpan orphanAfter, bool background)
    {
        // Beat well inside the silence that marks an instance dead; look for the dead as often.
        _heartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(orphanAfter.TotalMilliseconds / 3, 100, 5_000));
        _reconcileInterval = orphanAfter > TimeSpan.FromSeconds(1) ? orphanAfter : TimeSpan.FromSeconds(1);
        _maintainInterval = TimeSpan.FromMilliseconds(Math.Clamp(options.Config.Leases.Duration.TotalMilliseconds / 10, 250, 2_000));
        _database = database;
        _options = options;
        _book = new LeaseBook(options.Time, options.Config.Leases);
        _journal = new OutageJournal(BacklogDirectory(options), options.InstanceId, database.Description, options.Config.SyncToDisk);
        _ledger = new PostgresUsageLedger(database, options, _book, new OutageBacklog(_journal, BacklogCapacity), LedgerMetrics.For(options.Meter, "postgres"));
        _leases = new PostgresLeases(database, options, _book);
        _budgetLedger = new PostgresBudgetLedger(database, _ledger, _leases, _book, options) { OrphanAfter = orphanAfter };
        _changes = new PostgresChangeFeed(database, Recall);
        Keys = new PostgresKeyStore(database);
        Reports = new PostgresUsageReader(database);
        Budgets = new PostgresBudgetStore(database, options.Time);
        Admins = new PostgresAdminStore(database);
        Timeline = new PostgresUsageTimeline(database);
        _responses = new Storage.Responses.DbResponseStore(async token => await database.OpenAsync(token).ConfigureAwait(false));
        _background = background ? Task.Run(() => BackgroundAsync(_stopping.Token)) : Task.CompletedTask;
    }

    public string Name => "postgres";

    public IKeyStore Keys { get; }

    public IUsageLedger Usage => _ledger;

    public IUsageReader Reports { get; }

    public IBudgetStore Budgets { get; }

    public IBudgetLedger BudgetLedger => _budgetLedger;

    public IChangeFeed Changes => _changes;

    public StorageHealth Health
    {
        get
        {
            var since = _unreachableSince ?? (_ledger.LastWrite is { Reached: false } failed ? failed.At : null);
            return new(Name, since is null, since, _ledger.Backlog);
        }
    }

    /// <summary>This instance's slices of budget lines (diagnostics and tests).</summary>
    internal LeaseBook Leases => _book;

    /// <summary>Lease renewals so far, each one database round trip (diagnostics and benchmarks).</summary>
    internal long LeaseRenewals => _leases.Renewals;

    public IAdminStore Admins { get; }

    public IUsageTimeline Timeline { get; }

    public Core.Responses.IResponseStore Responses => _responses;

    public static Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken) =>
        OpenAsync(options, options.Config.OrphanAfter, cancellationToken);

    /// <summary>
    /// Opens with a chosen silence after which an instance's holds are orphans (tests shorten it);
    /// without <paramref name="background"/>, nothing happens unless asked (tests drive each step).
    /// </summary>
    internal static async Task<IStorageBackend> OpenAsync(StorageOptions options, TimeSpan orphanAfter, CancellationToken cancellationToken, bool background = true)
    {
        var database = new PostgresDatabase(options.Config.PostgresConnectionString
            ?? throw new StorageException("storage.postgres is not set"));
        try
        {
            await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                await PostgresMigrator.MigrateAsync(connection, database.Description, cancellationToken).ConfigureAwait(false);
            }

            await HeartbeatAsync(database, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var backend = new PostgresBackend(database, options, orphanAfter, background);
        try
        {
            // Writes another process on this data directory left waiting when it died go in first.
            await backend.FoldJournalsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return backend;
    }

    public Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken) => _budgetLedger.ReconcileOrphansAsync(cancellationToken);

    /// <summary>What the background does with leases each few hundred milliseconds: renew those due, give back the unused.</summary>
    internal Task MaintainLeasesAsync(CancellationToken cancellationToken) => _leases.MaintainAsync(cancellationToken);

    /// <summary>What the background does every few minutes: past days' rollup rows of each instance folded into the shared rows.</summary>
    internal Task<int> FoldRollupsAsync(CancellationToken cancellationToken) => PostgresRollupFold.FoldAsync(_database, cancellationToken);

    /// <summary>What the background does once the database is back: writes the outage backlog.</summary>
    internal Task<int> FlushBacklogAsync(CancellationToken cancellationToken) => _ledger.FlushBacklogAsync(cancellationToken);

    /// <summary>
    /// Stops as a killed process would: no backlog flush, no lease returned, no goodbye. What it had
    /// leased and held is left to expiry and orphan reconciliation; its outage journal to the next
    /// instance on its data directory.
    /// </summary>
    internal async ValueTask AbandonAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        await _changes.DisposeAsync().ConfigureAwait(false);
        await _ledger.DropConnectionAsync().ConfigureAwait(false);
        _journal.Dispose();
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    public async Task<long> ScrubSecretsAsync(IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var worth = SecretScrub.Worth(secrets);
        if (worth.Count == 0)
        {
            return 0;
        }

        var fingerprint = SecretScrub.Fingerprint(worth);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The row lock makes instances starting together scrub once, one after the other.
        await using (var read = PgSql.Command(connection, "SELECT value FROM meta WHERE name = $1 FOR UPDATE;", SecretScrub.MetaName))
        {
            read.Transaction = transaction;
            if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long done && done == fingerprint)
            {
                return 0;
            }
        }

        long changed = 0;
        foreach (var secret in worth)
        {
            await using var scrub = PgSql.Command(connection,
                "UPDATE usage_records SET error = replace(error, $1, $2) WHERE error IS NOT NULL AND strpos(error, $1) > 0;", secret, SecretScrub.Mask);
            scrub.Transaction = transaction;
            changed += await scrub.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var mark = PgSql.Command(connection,
            "INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value;", SecretScrub.MetaName, fingerprint))
        {
            mark.Transaction = transaction;
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed;
    }

    public Task<long> ApplyRetentionAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) =>
        PostgresRetention.ApplyAsync(_database, olderThan.ToUnixTimeMilliseconds(), _options.Config.OrphanAfter, cancellationToken);

    private static string BacklogDirectory(StorageOptions options) => Path.Combine(options.DataDirectory, "ciyuan-backlog");

    private async Task FoldJournalsAsync(CancellationToken cancellationToken)
    {
        var live = await LiveInstancesAsync(cancellationToken).ConfigureAwait(false);
        await _ledger.FoldJournalsAsync(BacklogDirectory(_options), _database.Description, instance => !live.Contains(instance), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Instances that beat within <c>orphan_after</c>: their journals are theirs to write.</summary>
    private async Task<HashSet<string>> LiveInstancesAsync(CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, "SELECT id FROM instances WHERE NOT gone AND last_seen >= ciyuan_now_ms() - $1;",
            (long)_budgetLedger.OrphanAfter.TotalMilliseconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            live.Add(reader.GetString(0));
        }

        return live;
    }

    private void Recall(SliceKey key)
    {
        if (_book.Read(key).Free <= 0 || _stopping.IsCancellationRequested)
        {
            return;
        }

        // Another instance is short on a line this one holds an unused slice of: give it back now.
        _ = Task.Run(async () =>
        {
            try
            {
                await _leases.GiveBackAsync([key], _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StorageException or Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
            {
                // The slice expires on its own; the short instance's request may be refused meanwhile.
            }
        });
    }

    private async Task BackgroundAsync(CancellationToken stopping)
    {
        var sinceBeat = TimeSpan.Zero;
        var sinceReconcile = TimeSpan.Zero;
        var sinceMaintain = TimeSpan.Zero;
        var reconcileAfterOutage = TimeSpan.Zero;
        var sinceFold = TimeSpan.Zero;
        using var timer = new PeriodicTimer(Tick, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                sinceBeat += Tick;
                sinceReconcile += Tick;
                sinceMaintain += Tick;
                sinceFold += Tick;
                try
                {
                    if (sinceBeat >= _heartbeatInterval || _unreachableSince is not null)
                    {
                        sinceBeat = TimeSpan.Zero;
                        await HeartbeatAsync(_database, _options, stopping).ConfigureAwait(false);
                        if (_unreachableSince is not null)
                        {
                            // Back after an outage: other instances could not beat either, so they get a
                            // whole orphan_after to do so before any of them is taken for dead.
                            _unreachableSince = null;
                            reconcileAfterOutage = _reconcileInterval;
                            sinceReconcile = TimeSpan.Zero;
                        }
                    }

                    if (_ledger.Backlog > 0 || _ledger.LastWrite is { Reached: false })
                    {
                        await _ledger.FlushBacklogAsync(stopping).ConfigureAwait(false);
                    }

                    if (sinceMaintain >= _maintainInterval)
                    {
                        sinceMaintain = TimeSpan.Zero;
                        await _leases.MaintainAsync(stopping).ConfigureAwait(false);
                    }

                    if (sinceReconcile >= _reconcileInterval + reconcileAfterOutage)
                    {
                        sinceReconcile = TimeSpan.Zero;
                        reconcileAfterOutage = TimeSpan.Zero;
                        await _budgetLedger.ReconcileOrphansAsync(stopping).ConfigureAwait(false);
                        await FoldJournalsAsync(stopping).ConfigureAwait(false);
                    }

                    if (sinceFold >= FoldInterval)
                    {
                        sinceFold = TimeSpan.Zero;
                        await PostgresRollupFold.FoldAsync(_database, stopping).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is StorageException || (ex is not OperationCanceledException && PostgresFailures.IsTransient(ex)) || ex is Npgsql.NpgsqlException)
                {
                    // The database is away; the next tick tries again, and requests report their own errors.
                    _unreachableSince ??= _options.Time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static async Task HeartbeatAsync(PostgresDatabase database, StorageOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var beat = PgSql.Command(connection,
            $"INSERT INTO instances (id, last_seen) VALUES ($1, {PostgresClock.NowMilliseconds}) ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, gone = false;",
            options.InstanceId);
        await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A clean stop: the background work ends, writes waiting for the database get one more chance,
    /// everything queued is written, this instance's slices go back to their lines, and with nothing
    /// left open the instance is marked gone. Each step is bounded; what the database cannot take now
    /// stays in the outage journal, and the leases then expire on their own.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        using var budget = new CancellationTokenSource(StopBudget);
        await BestEffortAsync(() => _ledger.FlushBacklogAsync(budget.Token)).ConfigureAwait(false);
        await _responses.DisposeAsync().ConfigureAwait(false);
        await _ledger.DisposeAsync().ConfigureAwait(false);
        await BestEffortAsync(() => _leases.ReturnAllAsync(budget.Token)).ConfigureAwait(false);
        if (_ledger.Backlog == 0)
        {
            await BestEffortAsync(() => MarkGoneAsync(budget.Token)).ConfigureAwait(false);
        }

        await _changes.DisposeAsync().ConfigureAwait(false);
        _journal.Dispose();
        await _database.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task MarkGoneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var gone = PgSql.Command(connection, """
            UPDATE instances i SET gone = true WHERE i.id = $1
              AND NOT EXISTS (SELECT 1 FROM budget_entries h WHERE h.instance = i.id AND h.kind = 'hold' AND h.seq = 0
                  AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
                  AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id));
            """, _options.InstanceId);
        await gone.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task BestEffortAsync(Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException or Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or IOException)
        {
            // Stopping anyway: whatever was not done here is done by the next instance, or by expiry.
        }
    }
}
