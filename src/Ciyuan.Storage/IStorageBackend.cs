using Ciyuan.Core.Admin;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Keys;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage;

/// <summary>
/// Everything durable, from one database: SQLite for one instance, PostgreSQL for several. The exe
/// and the contract tests open a backend through <c>StorageBackends.OpenAsync</c> and see
/// only these interfaces.
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    string Name { get; }

    IKeyStore Keys { get; }

    IUsageLedger Usage { get; }

    IUsageReader Reports { get; }

    IBudgetStore Budgets { get; }

    IBudgetLedger BudgetLedger { get; }

    /// <summary>Admin tokens and dashboard sessions.</summary>
    IAdminStore Admins { get; }

    /// <summary>The ledger over time for the dashboard: quarter-hour rollups and the newest records.</summary>
    IUsageTimeline Timeline { get; }

    /// <summary>Stored Responses answers (<c>store: true</c>).</summary>
    Core.Responses.IResponseStore Responses { get; }

    /// <summary>
    /// Start-up reconciliation: holds of instances that died become in-doubt (counted as spent at
    /// the held amount). Returns how many were found. Safe to call again.
    /// </summary>
    Task<int> ReconcileOrphansAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Masks <paramref name="secrets"/> in the ledger's free text (upstream error messages written by
    /// builds that did not mask them), once per set of secrets. Returns how many rows were changed.
    /// </summary>
    Task<long> ScrubSecretsAsync(IReadOnlyList<string> secrets, CancellationToken cancellationToken);

    /// <summary>Deletes request lines older than the retention; rollups stay. Returns how many went.</summary>
    Task<long> ApplyRetentionAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
