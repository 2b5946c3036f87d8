using System.Collections.Frozen;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Diagnostics;
using Ciyuan.Gateway.State;

namespace Ciyuan.Gateway.Budgets;

/// <summary>
/// Every budget line in force — from config, from the admin API (the store), and from keys' own
/// <c>--budget-usd</c> caps — indexed by scope and subject so a request finds its lines with three
/// lookups. Changes through this server apply at once; another process's (another instance, the
/// CLI) are noticed by polling the store's change counter.
/// </summary>
internal sealed partial class BudgetLines(LiveConfig live, IBudgetStore store, ILogger<BudgetLines> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private volatile Snapshot _snapshot = Snapshot.Build(live.Current.Config.Budgets.Lines, [], []);
    private IReadOnlyList<BudgetLine> _stored = [];
    private IReadOnlyList<ClientKey> _keys = [];
    private long _version = -1;
    private readonly Lock _gate = new();

    public IReadOnlyList<BudgetLine> All => _snapshot.All;

    public BudgetLine? Find(string id) => _snapshot.ById.GetValueOrDefault(id);

    /// <summary>The lines a request of this target counts against, in a stable order.</summary>
    public IReadOnlyList<BudgetLine> Covering(ChargeTarget target)
    {
        var snapshot = _snapshot;
        if (snapshot.All.Count == 0)
        {
            return [];
        }

        List<BudgetLine>? found = null;
        Collect(snapshot, BudgetScopeKind.Project, target.Project, target, ref found);
        Collect(snapshot, BudgetScopeKind.Key, target.KeyId, target, ref found);
        if (!string.Equals(target.KeyName, target.KeyId, StringComparison.Ordinal))
        {
            Collect(snapshot, BudgetScopeKind.Key, target.KeyName, target, ref found);
        }

        Collect(snapshot, BudgetScopeKind.Run, target.RunId, target, ref found);
        return found is null ? [] : found;
    }

    /// <summary>The config was reloaded: its lines replace those of the previous one.</summary>
    public void UseConfig()
    {
        lock (_gate)
        {
            _snapshot = Snapshot.Build(live.Current.Config.Budgets.Lines, _stored, _keys);
        }
    }

    /// <summary>Keys changed: their own caps become lines named <c>key:ID</c>.</summary>
    public void UseKeys(IReadOnlyList<ClientKey> keys)
    {
        lock (_gate)
        {
            _keys = keys;
            _snapshot = Snapshot.Build(live.Current.Config.Budgets.Lines, _stored, _keys);
        }
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var version = await store.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        var stored = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _stored = stored;
            _snapshot = Snapshot.Build(live.Current.Config.Budgets.Lines, _stored, _keys);
            _version = version;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (await store.GetVersionAsync(stoppingToken).ConfigureAwait(false) != Interlocked.Read(ref _version))
                    {
                        await ReloadAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    Log.ReloadFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static void Collect(Snapshot snapshot, BudgetScopeKind scope, string? subject, ChargeTarget target, ref List<BudgetLine>? found)
    {
        if (subject is null || !snapshot.ByScope.TryGetValue((scope, subject), out var lines))
        {
            return;
        }

        foreach (var line in lines)
        {
            if (line.Covers(target))
            {
                (found ??= []).Add(line);
            }
        }
    }

    /// <summary>A key's own cap as a budget line.</summary>
    public static BudgetLine KeyLine(ClientKey key, long microUsd) => new()
    {
        Id = $"key:{key.Id}",
        Scope = BudgetScopeKind.Key,
        Subject = key.Id,
        Limit = new MicroUnits(microUsd),
        Currency = Currencies.Usd,
        Source = "key",
    };

    private sealed record Snapshot(IReadOnlyList<BudgetLine> All, FrozenDictionary<string, BudgetLine> ById, FrozenDictionary<(BudgetScopeKind, string), BudgetLine[]> ByScope)
    {
        public static Snapshot Build(IReadOnlyList<BudgetLine> configured, IReadOnlyList<BudgetLine> stored, IReadOnlyList<ClientKey> keys)
        {
            var all = new List<BudgetLine>(configured);
            all.AddRange(stored.Where(s => !configured.Any(c => c.Id == s.Id)));
            foreach (var key in keys)
            {
                if (key.BudgetMicroUsd is { } cap && !key.IsRevoked)
                {
                    all.Add(KeyLine(key, cap));
                }
            }

            return new Snapshot(
                all,
                all.ToFrozenDictionary(l => l.Id, StringComparer.Ordinal),
                all.GroupBy(l => (l.Scope, l.Subject)).ToFrozenDictionary(g => g.Key, g => g.OrderBy(l => l.Id, StringComparer.Ordinal).ToArray()));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BudgetReloadFailed, Level = LogLevel.Warning, Message = "Reloading budget lines failed; keeping the previous set: {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string reason);
    }
}
