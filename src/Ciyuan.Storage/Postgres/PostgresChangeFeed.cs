using System.Collections.Concurrent;
using Ciyuan.Core.Budgets.Leases;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Changes pushed by PostgreSQL: one connection per instance <c>LISTEN</c>s on <c>ciyuan_changes</c>
/// (a key or budget line changed: every change bumps its counter and notifies in the same
/// transaction, so the notice arrives once it committed) and on <c>ciyuan_recall</c> (an instance is
/// short on a line while this one may hold an unused slice of it). An idle instance sends nothing but
/// a liveness check on that connection every <see cref="SafetyInterval"/>. When the connection drops,
/// it is opened again with backoff, and every waiter is woken, since notices sent meanwhile are lost.
/// </summary>
internal sealed class PostgresChangeFeed : IChangeFeed, IAsyncDisposable
{
    public const string ChangesChannel = "ciyuan_changes";
    public const string RecallChannel = "ciyuan_recall";

    /// <summary>How long a waiter waits without a notice before it checks its store anyway.</summary>
    public static readonly TimeSpan SafetyInterval = TimeSpan.FromSeconds(30);

    private readonly PostgresDatabase _database;
    private readonly Action<SliceKey> _recall;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listening;
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PostgresChangeFeed(PostgresDatabase database, Action<SliceKey> recall)
    {
        _database = database;
        _recall = recall;
        _listening = Task.Run(() => ListenAsync(_stopping.Token));
    }

    /// <summary>True while the listening connection is open.</summary>
    public bool Listening { get; private set; }

    /// <summary>Completes once the feed listened for the first time (or gave up waiting for it).</summary>
    public Task Connected => _firstConnect.Task;

    public async Task WaitAsync(string topic, CancellationToken cancellationToken)
    {
        var signal = _waiters.GetOrAdd(topic, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(SafetyInterval, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The safety net: the caller checks its store once.
        }

        // The next wait waits for the next notice.
        _waiters.TryUpdate(topic, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
    }

    private void Signal(string? topic)
    {
        foreach (var (name, signal) in _waiters)
        {
            if (topic is null || string.Equals(name, topic, StringComparison.Ordinal))
            {
                signal.TrySetResult();
            }
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.OpenAsync(stopping).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangesChannel}; LISTEN {RecallChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                Listening = true;
                backoff = TimeSpan.FromMilliseconds(250);

                // Whatever changed while nobody listened is found by looking once.
                Signal(null);
                _firstConnect.TrySetResult();
                while (!stopping.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(SafetyInterval, stopping).ConfigureAwait(false))
                    {
                        // Quiet for a while: make sure the connection is still there.
                        await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                        await ping.ExecuteScalarAsync(stopping).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is StorageException or NpgsqlException or IOException or TimeoutException or ObjectDisposedException)
            {
                Listening = false;
                _firstConnect.TrySetResult();
                try
                {
                    await Task.Delay(backoff, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5_000));
            }
        }

        Listening = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notice)
    {
        if (notice.Channel == RecallChannel)
        {
            var at = notice.Payload.LastIndexOf('\u001f');
            if (at > 0 && long.TryParse(notice.Payload.AsSpan(at + 1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var window))
            {
                _recall(new SliceKey(notice.Payload[..at], window));
            }

            return;
        }

        Signal(notice.Payload);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listening.ConfigureAwait(false);
        _stopping.Dispose();
        Signal(null);
    }
}
