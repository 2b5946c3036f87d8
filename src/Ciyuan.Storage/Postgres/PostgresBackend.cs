using Ciyuan.Core.Admin;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The shared backend: several gateway instances on one PostgreSQL database. Each instance
/// heartbeats every few seconds; holds of an instance silent for 30 s are reconciled into in-doubt
/// by whichever instance looks next (every 30 s, and at start-up).
/// </summary>
public sealed class PostgresBackend : IStorageBackend
{
    private readonly TimeSpan _heartbeatInterval;
    private readonly TimeSpan _reconcileInterval;

    private readonly PostgresDatabase _database;
    private readonly PostgresUsageLedger _ledger;
    private readonly PostgresBudgetLedger _budgetLedger;
    private readonly StorageOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _background;

    private PostgresBackend(PostgresDatabase database, StorageOptions options, TimeSpan orphanAfter)
    {
        // Beat well inside the silence that marks an instance dead; look for the dead as often.
        _heartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(orphanAfter.TotalMilliseconds / 3, 100, 5_000));
        _reconcileInterval = orphanAfter > TimeSpan.FromSeconds(1) ? orphanAfter : TimeSpan.FromSeconds(1);
        _database = database;
        _options = options;
        _ledger = new PostgresUsageLedger(database, options.Currency, options.InstanceId, options.Time, LedgerMetrics.For(options.Meter, "postgres"));
        _budgetLedger = new PostgresBudgetLedger(database, _ledger, options) { OrphanAfter = orphanAfter };
        Keys = new PostgresKeyStore(database);
        Reports = new PostgresUsageReader(database);
        Budgets = new PostgresBudgetStore(database, options.Time);
        Admins = new PostgresAdminStore(database);
        Timeline = new PostgresUsageTimeline(database);
        Responses = new Storage.Responses.DbResponseStore(async token => await database.OpenAsync(token).ConfigureAwait(false));
        _background = Task.Run(() => BackgroundAsync(_stopping.Token));
    }

    public string Name => "postgres";

    public IKeyStore Keys { get; }

    public IUsageLedger Usage => _ledger;

    public IUsageReader Reports { get; }

    public IBudgetStore Budgets { get; }

    public IBudgetLedger BudgetLedger => _budgetLedger;

    public IAdminStore Admins { get; }

    public IUsageTimeline Timeline { get; }

    public Core.Responses.IResponseStore Responses { get; }

    public static Task<IStorageBackend> OpenAsync(StorageOptions options, CancellationToken cancellationToken) =>
        OpenAsync(options, options.Config.OrphanAfter, cancellationToken);

    /// <summary>Opens with a chosen silence after which an instance's holds are orphans (tests shorten it).</summary>
    internal static async Task<IStorageBackend> OpenAsync(StorageOptions options, TimeSpan orphanAfter, CancellationToken cancellationToken)
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

        return new PostgresBackend(database, options, orphanAfter);
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

    public async Task<long> ApplyRetentionAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = PgSql.Command(connection, "DELETE FROM usage_records WHERE created_at < $1;", olderThan.ToUnixTimeMilliseconds());
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task BackgroundAsync(CancellationToken stopping)
    {
        var sinceReconcile = TimeSpan.Zero;
        using var timer = new PeriodicTimer(_heartbeatInterval, _options.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await HeartbeatAsync(_database, _options, stopping).ConfigureAwait(false);
                    sinceReconcile += _heartbeatInterval;
                    if (sinceReconcile >= _reconcileInterval)
                    {
                        sinceReconcile = TimeSpan.Zero;
                        await _budgetLedger.ReconcileOrphansAsync(stopping).ConfigureAwait(false);
                    }
                }
                catch (StorageException)
                {
                    // The database is away; the next tick tries again, and requests report their own errors.
                }
                catch (Npgsql.NpgsqlException)
                {
                    // As above.
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
            $"INSERT INTO instances (id, last_seen) VALUES ($1, {PostgresClock.NowMilliseconds}) ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen;",
            options.InstanceId);
        await beat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        await _ledger.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
