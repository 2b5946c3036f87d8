using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// What the request path makes durable in SQLite — usage records (with the budget settlement and
/// rollups they carry) and releases of holds that left no record — through one group commit
/// (<see cref="GroupCommitQueue{T}"/>): a thousand concurrent requests share a single transaction.
/// </summary>
public sealed class SqliteUsageLedger : IUsageLedger, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly CurrencyConverter _currency;
    private readonly string _instanceId;
    private readonly TimeProvider _time;
    private readonly GroupCommitQueue<PendingWrite> _queue;
    private readonly Action<UsageRecord>? _committed;
    private readonly UsageRollupBatch _rollups = new();
    private readonly UsageSeriesSums _series = new();
    private readonly Dictionary<(string LineId, long Window), long> _spend = [];

    // Opened by the writer task on its first batch and used only there.
    private SqliteConnection? _connection;
    private LedgerStatements? _statements;

    /// <param name="committed">Told of each record once its transaction committed (the budget book settles on it).</param>
    public SqliteUsageLedger(SqliteDatabase database, CurrencyConverter? currency = null, string instanceId = "", Action<UsageRecord>? committed = null, TimeProvider? time = null,
        LedgerMetrics? metrics = null)
    {
        _committed = committed;
        _database = database;
        _currency = currency ?? CurrencyConverter.Default;
        _instanceId = instanceId;
        _time = time ?? TimeProvider.System;
        _queue = new GroupCommitQueue<PendingWrite>(WriteBatchAsync, ex => $"the ledger could not be written: {ex.Message}", metrics: metrics);
    }

    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingWrite(record, null), cancellationToken);

    /// <summary>Settles a hold whose request left no usage record: the <c>release</c> entry, nothing spent.</summary>
    internal ValueTask AppendReleaseAsync(BudgetHold hold, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingWrite(null, hold), cancellationToken);

    private async Task WriteBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        if (_connection is null)
        {
            _connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            _statements = new LedgerStatements(_connection);
        }

        var statements = _statements!;
        try
        {
            await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync().ConfigureAwait(false);
            foreach (var pending in batch)
            {
                Apply(statements, _rollups, _spend, pending);
            }

            _rollups.Flush(statements);
            SqliteUsageSeries.Flush(statements.UpsertSeries, _series);
            foreach (var ((lineId, window), amount) in _spend)
            {
                statements.AddSpend(lineId, window, amount);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        finally
        {
            // Written or rolled back with the transaction: either way nothing carries to the next batch.
            _rollups.Clear();
            _series.Clear();
            _spend.Clear();
        }

        if (_committed is not null)
        {
            foreach (var pending in batch)
            {
                if (pending.Record is { } record)
                {
                    _committed(record);
                }
            }
        }
    }

    // The writer owns its connection on its own task; SQLite's async calls complete synchronously,
    // so the batch is applied with plain calls and no state machine per statement.
    private void Apply(LedgerStatements statements, UsageRollupBatch rollups, Dictionary<(string, long), long> spend, PendingWrite pending)
    {
        if (pending.Record is { } record)
        {
            UsageRecordSql.Bind(statements.InsertUsage, record);
            if (statements.InsertUsage.Execute() == 1)
            {
                rollups.Add(record);
                _series.Add(record);
            }

            // A hold on no budget line is settled by the record itself; one on lines also gets its
            // commit or release entry, whose key guards the spend it moves against a second count.
            if (record.Hold is { Lines.Count: > 0 } hold)
            {
                Settle(statements, spend, record, hold);
            }
        }
        else if (pending.Release is { } released)
        {
            statements.InsertEntry(released.RequestId, "release", 0, _time.GetUtcNow(), _instanceId, released.Target,
                released.Provider, released.Deployment, 0, null);
        }
    }

    /// <summary>
    /// The settlement entry, in the record's transaction; the spend it moves is summed per line and
    /// window and written once per batch. The entry's key (request id, kind) makes a repeated
    /// settlement a no-op, so nothing is counted twice.
    /// </summary>
    private void Settle(LedgerStatements statements, Dictionary<(string, long), long> spend, UsageRecord record, BudgetHold hold)
    {
        var billed = record.Status == "ok" || record.Cost.Value > 0;
        var costUsd = _currency.Convert(record.Cost, record.Currency, Currencies.Usd);
        var inserted = statements.InsertEntry(record.RequestId, billed ? "commit" : "release", 0, record.CreatedAt, _instanceId,
            hold.Target, record.Provider, record.Deployment, costUsd.Value, null);
        if (!inserted || !billed)
        {
            return;
        }

        foreach (var line in hold.Lines)
        {
            var key = (line.LineId, line.WindowStart.ToUnixTimeMilliseconds());
            spend[key] = spend.GetValueOrDefault(key) + _currency.Convert(record.Cost, record.Currency, line.Currency).Value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        if (_statements is not null)
        {
            await _statements.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A usage record to write, or a hold to release (exactly one is set).</summary>
    private sealed record PendingWrite(UsageRecord? Record, BudgetHold? Release);
}
