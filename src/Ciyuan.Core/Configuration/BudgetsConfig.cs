using Ciyuan.Core.Budgets;

namespace Ciyuan.Core.Configuration;

/// <summary>The <c>budgets:</c> section: the time zone calendar windows follow, and the lines declared in config.</summary>
public sealed record BudgetsConfig
{
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    public IReadOnlyList<BudgetLine> Lines { get; init; } = [];

    public static BudgetsConfig Default { get; } = new();
}
