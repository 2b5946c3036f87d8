using System.Diagnostics;
using System.Threading.Channels;

namespace Ciyuan.Storage;

/// <summary>
/// Group commit, written once for every ledger: callers hand an item to one writer task, which
/// writes everything waiting as one batch (one transaction) and then completes every caller at
/// once. A caller's task completes only after its item is committed, yet a thousand concurrent
/// requests share one commit. A failed batch fails each of its callers with the reason; the writer
/// carries on with the next, whatever went wrong, so no caller is left waiting. A batch writer may
/// also refuse single items it could not take (bad data) without failing the others.
/// </summary>
internal sealed class GroupCommitQueue<T> : IAsyncDisposable
{
    private const int MaxBatch = 2048;
    private readonly Func<IReadOnlyList<T>, Task> _writeBatch;
    private readonly Func<Exception, string> _describeFailure;
    private readonly Func<T, Exception?>? _itemFailure;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(65_536)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _writer;
    private readonly LedgerMetrics _metrics;

    /// <param name="writeBatch">Writes and commits one batch; called on the writer task only, never concurrently.</param>
    /// <param name="describeFailure">The message callers get when a batch fails (no secrets in it).</param>
    /// <param name="itemFailure">After a batch was written, why an item of it was left out (null: it was written).</param>
    /// <param name="metrics">Told how long each commit took; reports how many writes wait.</param>
    public GroupCommitQueue(Func<IReadOnlyList<T>, Task> writeBatch, Func<Exception, string> describeFailure, Func<T, Exception?>? itemFailure = null, LedgerMetrics? metrics = null)
    {
        _writeBatch = writeBatch;
        _describeFailure = describeFailure;
        _itemFailure = itemFailure;
        _metrics = metrics ?? LedgerMetrics.None;
        _metrics.TrackQueue(() => _queue.Reader.Count);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes once the item is committed; throws <see cref="StorageException"/> if its batch failed.</summary>
    public async ValueTask EnqueueAsync(T item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var items = new List<T>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                items.Add(pending.Item);
            }

            var started = _metrics.TimesCommits ? Stopwatch.GetTimestamp() : 0;
            try
            {
                await _writeBatch(items).ConfigureAwait(false);
                if (started != 0)
                {
                    _metrics.Committed(started);
                }

                foreach (var pending in batch)
                {
                    if (_itemFailure?.Invoke(pending.Item) is { } refused)
                    {
                        pending.Completion.TrySetException(new StorageException(_describeFailure(refused), refused));
                    }
                    else
                    {
                        pending.Completion.TrySetResult();
                    }
                }
            }
            catch (Exception ex)
            {
                var error = new StorageException(_describeFailure(ex), ex);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(error);
                }
            }

            batch.Clear();
            items.Clear();
        }
    }

    /// <summary>Stops taking items and waits until everything queued is written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed class Pending(T item)
    {
        public T Item { get; } = item;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
