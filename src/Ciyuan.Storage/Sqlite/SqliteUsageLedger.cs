using System.Threading.Channels;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Group commit for what the request path makes durable in the database: usage records (with the
/// budget settlement and rollups they carry) and releases of holds that left no record. Callers hand their
/// write to one writer loop, which applies everything waiting in one transaction and then
/// completes every caller at once: a caller's task completes only after its write is committed,
/// yet a thousand concurrent requests share a single commit.
/// </summary>
public sealed class SqliteUsageLedger : IUsageLedger, IAsyncDisposable
{
    private const int MaxBatch = 2048;
    private readonly SqliteDatabase _database;
    private readonly CurrencyConverter _currency;
    private readonly string _instanceId;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _writer;

    public SqliteUsageLedger(SqliteDatabase database, CurrencyConverter? currency = null, string instanceId = "")
    {
        _database = database;
        _currency = currency ?? new CurrencyConverter(0.14m);
        _instanceId = instanceId;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(65_536)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken) =>
        EnqueueAsync(new PendingWrite { Record = record }, cancellationToken);

    /// <summary>Settles a hold whose request left no usage record: the <c>release</c> entry, nothing spent.</summary>
    internal ValueTask AppendReleaseAsync(BudgetHold hold, CancellationToken cancellationToken) =>
        EnqueueAsync(new PendingWrite { Release = hold }, cancellationToken);

    private async ValueTask EnqueueAsync(PendingWrite pending, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var statements = new LedgerStatements(connection);
        var rollups = new UsageRollupBatch();
        var spend = new Dictionary<(string LineId, long Window), long>();
        var batch = new List<PendingWrite>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false))
                {
                    statements.Enlist(transaction);
                    foreach (var pending in batch)
                    {
                        Apply(statements, rollups, spend, pending);
                    }

                    rollups.Flush(statements);
                    foreach (var ((lineId, window), amount) in spend)
                    {
                        statements.AddSpend(lineId, window, amount);
                    }

                    spend.Clear();
                    await transaction.CommitAsync().ConfigureAwait(false);
                }

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                rollups.Clear();
                spend.Clear();
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new StorageException($"the ledger could not be written: {ex.Message}", ex));
                }
            }

            batch.Clear();
        }
    }

    // The writer owns its connection on its own task; SQLite's async calls complete synchronously,
    // so the batch is applied with plain calls and no state machine per statement.
    private void Apply(LedgerStatements statements, UsageRollupBatch rollups, Dictionary<(string, long), long> spend, PendingWrite pending)
    {
        if (pending.Record is { } record)
        {
            UsageRecordSql.Bind(statements.InsertUsage, record);
            if (statements.InsertUsage.ExecuteNonQuery() == 1)
            {
                rollups.Add(record);
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
            statements.InsertEntry(released.RequestId, "release", 0, DateTimeOffset.UtcNow, _instanceId, released.Target,
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
        var costUsd = _currency.Convert(record.Cost, record.Currency, "USD");
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
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed class PendingWrite
    {
        public UsageRecord? Record { get; init; }

        public BudgetHold? Release { get; init; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
