namespace Ciyuan.Core.Budgets;

/// <summary>How often a budget starts over: never, each calendar day, or each calendar month (in the configured time zone).</summary>
public enum BudgetPeriod
{
    Total,
    Daily,
    Monthly,
}
