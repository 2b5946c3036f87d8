namespace Ciyuan.Core.Budgets;

/// <summary>What a budget caps: a project (team), one client key, or one agent run (<c>X-Ciyuan-Run</c>).</summary>
public enum BudgetScopeKind
{
    Project,
    Key,
    Run,
}
