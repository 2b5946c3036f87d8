using System.Threading.Channels;
using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Group commit: callers hand records to one writer loop, which inserts everything waiting in one
/// transaction and then completes every caller at once. A caller's task completes only after its
/// record is committed, yet a thousand concurrent requests share a single commit.
/// </summary>
public sealed class SqliteUsageLedger : IUsageLedger, IAsyncDisposable
{
    private const int MaxBatch = 2048;
    private readonly SqliteDatabase _database;
    private readonly Channel<PendingRecord> _queue;
    private readonly Task _writer;

    public SqliteUsageLedger(SqliteDatabase database)
    {
        _database = database;
        _queue = Channel.CreateBounded<PendingRecord>(new BoundedChannelOptions(65_536)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    public async ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        var pending = new PendingRecord(record);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using var insert = UsageRecordSql.CreateInsert(connection);
        var batch = new List<PendingRecord>(MaxBatch);
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
                    insert.Transaction = transaction;
                    foreach (var pending in batch)
                    {
                        UsageRecordSql.Bind(insert, pending.Record);
                        await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }

                    await transaction.CommitAsync().ConfigureAwait(false);
                }

                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new StorageException($"the usage ledger could not be written: {ex.Message}", ex));
                }
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed class PendingRecord(UsageRecord record)
    {
        public UsageRecord Record { get; } = record;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
