namespace Ciyuan.Core.Budgets;

/// <summary>The words scopes and periods are written as in config, the admin API and the database.</summary>
public static class BudgetNames
{
    public static string Of(BudgetScopeKind scope) => scope switch
    {
        BudgetScopeKind.Project => "project",
        BudgetScopeKind.Key => "key",
        _ => "run",
    };

    public static string Of(BudgetPeriod period) => period switch
    {
        BudgetPeriod.Daily => "daily",
        BudgetPeriod.Monthly => "monthly",
        _ => "total",
    };

    public static bool TryParseScope(string? text, out BudgetScopeKind scope)
    {
        switch (text)
        {
            case "project": scope = BudgetScopeKind.Project; return true;
            case "key": scope = BudgetScopeKind.Key; return true;
            case "run": scope = BudgetScopeKind.Run; return true;
            default: scope = default; return false;
        }
    }

    public static bool TryParsePeriod(string? text, out BudgetPeriod period)
    {
        switch (text)
        {
            case null or "total": period = BudgetPeriod.Total; return true;
            case "daily": period = BudgetPeriod.Daily; return true;
            case "monthly": period = BudgetPeriod.Monthly; return true;
            default: period = default; return false;
        }
    }
}
