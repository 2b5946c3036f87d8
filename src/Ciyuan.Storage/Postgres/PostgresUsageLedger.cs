using Ciyuan.Core.Budgets;
using Ciyuan.Core.Budgets.Leases;
using Ciyuan.Core.Metering;
using Ciyuan.Storage.Backlog;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Group commit on PostgreSQL: holds, usage records (with the settlement entries and lease moves they
/// carry), releases and fallback attempts queue for one writer, which applies everything waiting in
/// one transaction of one round trip (<see cref="PostgresWriteBatch"/>) and then completes every
/// caller. A caller's task completes only once its write is committed.
/// <para>
/// While the database is away (restarting, unreachable), a usage record, release or attempt that
/// cannot be committed is kept in the outage backlog instead — in memory and in the outage journal,
/// which survives the process being killed — and written when the database is back: a served
/// request is never lost. A record that cannot be kept either (the backlog is full, the journal
/// cannot be written, or the record can never be written) is not durable: its hold is marked in
/// doubt, now or as soon as the database answers. Holds are never kept back: a request whose hold is
/// not in the database is not sent.
/// </para>
/// </summary>
public sealed class PostgresUsageLedger : IUsageLedger, IAsyncDisposable
{
    /// <summary>The longest a batch may take before the writer gives up on it (a batch of thousands takes a few hundred ms).</summary>
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(15);

    private readonly PostgresDatabase _database;
    private readonly StorageOptions _options;
    private readonly LeaseBook _book;
    private readonly OutageBacklog _backlog;
    private readonly GroupCommitQueue<PendingWrite> _queue;
    private readonly PostgresWriterConnection _connection;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _toDoubt = new();

    internal PostgresUsageLedger(PostgresDatabase database, StorageOptions options, LeaseBook book, OutageBacklog backlog, LedgerMetrics? metrics = null)
    {
        _database = database;
        _options = options;
        _book = book;
        _backlog = backlog;
        _connection = new PostgresWriterConnection(database);
        _queue = new GroupCommitQueue<PendingWrite>(WriteBatchAsync,
            ex => $"the ledger could not be written to the {database.Description}: {ex.Message}", p => p.Failure, metrics);
    }

    /// <summary>Writes waiting for the database in the outage backlog.</summary>
    public int Backlog => _backlog.Count;

    /// <summary>When the last write reached the database or failed to; null before the first.</summary>
    public (DateTimeOffset At, bool Reached)? LastWrite { get; private set; }

    public async ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await _queue.EnqueueAsync(new PendingWrite { Record = record }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (PostgresFailures.IsTransient(ex) && _backlog.TryAdd(new BacklogItem { Record = record }))
        {
            // Durable in the outage journal; written when the database is back.
        }
        catch (StorageException)
        {
            // Not durable anywhere: the request may have been served, so its hold is in doubt.
            if (record.Hold is { } hold)
            {
                _toDoubt.Enqueue(hold.RequestId);
            }

            throw;
        }
    }

    /// <summary>
    /// Writes a new hold, fenced by this instance's leases: true when the database took it, false
    /// when a lease lacked room (the book was stale). Throws <see cref="StorageException"/> when the
    /// database could not be reached; the hold is then not pending any more either way, and in case its
    /// batch committed after all, its release waits in the backlog.
    /// </summary>
    internal async Task<bool> HoldAsync(BudgetHold hold)
    {
        var pending = new PendingWrite { Hold = hold };
        try
        {
            await _queue.EnqueueAsync(pending, CancellationToken.None).ConfigureAwait(false);
            return !pending.Refused;
        }
        catch (StorageException ex)
        {
            if (!pending.Flushed)
            {
                _book.Abandon(hold);
            }

            if (PostgresFailures.IsTransient(ex) && !_backlog.TryAdd(new BacklogItem { Release = hold, ReleasedAt = Now() }))
            {
                _toDoubt.Enqueue(hold.RequestId);
            }

            throw;
        }
    }

    /// <summary>Settles a hold whose request left no usage record: the <c>release</c> entry, and the held amount freed.</summary>
    internal async ValueTask AppendReleaseAsync(BudgetHold hold, CancellationToken cancellationToken)
    {
        var at = Now();
        try
        {
            await _queue.EnqueueAsync(new PendingWrite { Release = hold, ReleasedAt = at }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (PostgresFailures.IsTransient(ex) && _backlog.TryAdd(new BacklogItem { Release = hold, ReleasedAt = at }))
        {
            // Released when the database is back.
        }
    }

    /// <summary>Makes a fallback attempt durable (the <c>attempt</c> entry) before it is sent.</summary>
    internal async ValueTask AppendAttemptAsync(string requestId, int attempt, string provider, string deployment, CancellationToken cancellationToken)
    {
        var at = Now();
        try
        {
            await _queue.EnqueueAsync(new PendingWrite { Attempt = new EntryRow(requestId, "attempt", attempt, at, provider, deployment, 0) }, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (PostgresFailures.IsTransient(ex)
            && _backlog.TryAdd(new BacklogItem { Attempt = new BacklogAttempt(requestId, attempt, provider, deployment, at) }))
        {
            // Noted durably in the outage journal.
        }
    }

    /// <summary>
    /// Writes what waits in the backlog (oldest first) and marks in doubt the holds whose records
    /// could not be kept. Stops at the first sign the database is still away. Returns how many writes
    /// reached the database.
    /// </summary>
    internal async Task<int> FlushBacklogAsync(CancellationToken cancellationToken)
    {
        await MarkDoubtsAsync(cancellationToken).ConfigureAwait(false);
        var written = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var waiting = _backlog.Oldest(512);
            if (waiting.Count == 0)
            {
                return written;
            }

            var results = await Task.WhenAll(waiting.Select(WriteWaitingAsync)).ConfigureAwait(false);
            var done = waiting.Where((_, i) => results[i] != WaitingOutcome.StillAway).ToList();
            _backlog.Done(done);
            written += results.Count(r => r == WaitingOutcome.Written);
            if (done.Count < waiting.Count)
            {
                return written;
            }
        }

        return written;
    }

    /// <summary>Writes the journals other instances left in this data directory (once they are known dead), then deletes them.</summary>
    internal async Task<int> FoldJournalsAsync(string directory, string database, Func<string, bool> isDead, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var (file, instance) in OutageJournal.Others(directory, database, _options.InstanceId))
        {
            if (!isDead(instance))
            {
                continue;
            }

            // Straight to the database, all at once (they share batches): if it is away, this fails and
            // the file stays for the next start. A write that can never succeed is dropped with the
            // file; its request's hold is found open and in doubt like any dead instance's.
            var items = OutageJournal.Read(file);
            var results = await Task.WhenAll(items.Select(async item =>
            {
                try
                {
                    await _queue.EnqueueAsync(ToPending(item), cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (StorageException ex) when (!PostgresFailures.IsTransient(ex))
                {
                    return false;
                }
            })).ConfigureAwait(false);
            written += results.Count(r => r);
            OutageJournal.Delete(file);
        }

        return written;
    }

    private async Task MarkDoubtsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (_toDoubt.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            await PostgresInDoubt.MarkRequestsAsync(_database, ids, Now(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageException || PostgresFailures.IsTransient(ex))
        {
            foreach (var id in ids)
            {
                _toDoubt.Enqueue(id);
            }
        }
    }

    private async Task<WaitingOutcome> WriteWaitingAsync(OutageBacklog.Waiting waiting)
    {
        try
        {
            await _queue.EnqueueAsync(ToPending(waiting.Item), CancellationToken.None).ConfigureAwait(false);
            return WaitingOutcome.Written;
        }
        catch (StorageException ex) when (PostgresFailures.IsTransient(ex))
        {
            return WaitingOutcome.StillAway;
        }
        catch (StorageException)
        {
            // It can never be written: its hold is in doubt rather than left open.
            if (waiting.Item.Record?.Hold is { } hold)
            {
                _toDoubt.Enqueue(hold.RequestId);
            }

            return WaitingOutcome.Unwritable;
        }
    }

    private static PendingWrite ToPending(BacklogItem item) => item switch
    {
        { Record: { } record } => new PendingWrite { Record = record },
        { Release: { } hold } => new PendingWrite { Release = hold, ReleasedAt = item.ReleasedAt },
        { Attempt: { } a } => new PendingWrite { Attempt = new EntryRow(a.RequestId, "attempt", a.Attempt, a.At, a.Provider, a.Deployment, 0) },
        _ => new PendingWrite(),
    };

    private async Task WriteBatchAsync(IReadOnlyList<PendingWrite> items)
    {
        var batch = new PostgresWriteBatch(_options.InstanceId, _options.Currency);
        foreach (var item in items)
        {
            batch.Add(item);
        }

        try
        {
            await batch.ExecuteAsync(_connection, BatchTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not StorageException)
        {
            LastWrite = (_options.Time.GetUtcNow(), false);
            await _connection.DropAsync().ConfigureAwait(false);
            throw new StorageException(ex.Message, ex);
        }
        catch (StorageException)
        {
            LastWrite = (_options.Time.GetUtcNow(), false);
            await _connection.DropAsync().ConfigureAwait(false);
            throw;
        }

        LastWrite = (_options.Time.GetUtcNow(), true);

        // Committed: the holds it carried are no longer pending, and the leases it changed are known.
        _book.Flushed(batch.Holds, batch.Leases);
        foreach (var item in items)
        {
            item.Flushed = true;
        }
    }

    private long Now() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Closes the writer's connection as a killed process's would be (tests that stop an instance abruptly).</summary>
    internal Task DropConnectionAsync() => _connection.DropAsync();

    /// <summary>Stops taking writes and waits until everything queued is written (or has failed).</summary>
    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private enum WaitingOutcome
    {
        Written,
        StillAway,
        Unwritable,
    }
}
