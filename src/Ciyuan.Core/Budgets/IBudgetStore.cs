namespace Ciyuan.Core.Budgets;

/// <summary>Budget lines made through the admin API (config lines live in the config file).</summary>
public interface IBudgetStore
{
    Task<IReadOnlyList<BudgetLine>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates the line, or replaces the one with the same id.</summary>
    Task SaveAsync(BudgetLine line, CancellationToken cancellationToken);

    /// <summary>False when no such line exists.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Changes whenever any line changes, so instances notice another process's edits cheaply.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken);
}
