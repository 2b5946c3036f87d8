using Ciyuan.Core.Metering;

namespace Ciyuan.Core.Budgets;

/// <summary>A line in its current window: what was spent (in-doubt holds included), what is held by requests in flight, and what is left.</summary>
public sealed record BudgetStatus(BudgetLine Line, DateTimeOffset WindowStart, MicroUnits Spent, MicroUnits Held)
{
    public MicroUnits Remaining => new(Math.Max(0, Line.Limit.Value - Spent.Value - Held.Value));
}
