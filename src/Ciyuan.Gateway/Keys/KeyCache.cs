using System.Collections.Frozen;
using Ciyuan.Core.Keys;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Storage;

namespace Ciyuan.Gateway.Keys;

/// <summary>
/// Client keys in memory, keyed by hash, so authentication is one hash and one lookup. Changes made
/// through this server's admin API apply at once; changes by another process (another instance, the
/// <c>keys</c> CLI) are noticed through the store's change feed — pushed by PostgreSQL, polled every
/// 200 ms on the local SQLite file — after which the store's change counter decides whether to reload.
/// </summary>
internal sealed partial class KeyCache(IKeyStore store, IChangeFeed changes, BudgetLines budgetLines, ILogger<KeyCache> logger) : BackgroundService
{
    private volatile FrozenDictionary<KeyHash, ClientKey> _keys = FrozenDictionary<KeyHash, ClientKey>.Empty;
    private long _version = -1;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    public Task Loaded => _loaded.Task;

    /// <summary>The active (not revoked) key with this hash, if any.</summary>
    public ClientKey? Find(in KeyHash hash) =>
        _keys.TryGetValue(hash, out var key) && !key.IsRevoked ? key : null;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var version = await store.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        var keys = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        _keys = keys.ToFrozenDictionary(k => k.Hash);
        budgetLines.UseKeys(keys);
        Interlocked.Exchange(ref _version, version);
        _loaded.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await changes.WaitAsync(ChangeTopics.Keys, stoppingToken).ConfigureAwait(false);
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        try
        {
            var version = await store.GetVersionAsync(stoppingToken).ConfigureAwait(false);
            if (version != Interlocked.Read(ref _version))
            {
                await ReloadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            Log.KeyReloadFailed(logger, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.KeyReloadFailed, Level = LogLevel.Warning, Message = "Reloading client keys failed; keeping the previous set: {Reason}")]
        public static partial void KeyReloadFailed(ILogger logger, string reason);
    }
}
