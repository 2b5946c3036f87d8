using Ciyuan.Core.Budgets;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>The dashboard's calendar: days and months start at midnight in <c>budgets.time_zone</c>, as budget windows do.</summary>
internal sealed class DashboardClock(LiveConfig live, TimeProvider time)
{
    public TimeZoneInfo Zone => live.Current.Config.Budgets.TimeZone;

    public DateTimeOffset Now => time.GetUtcNow();

    public DateTimeOffset StartOfDay(DateTimeOffset at) => BudgetWindows.StartOf(BudgetPeriod.Daily, at, Zone).ToUniversalTime();

    public DateTimeOffset StartOfMonth(DateTimeOffset at) => BudgetWindows.StartOf(BudgetPeriod.Monthly, at, Zone).ToUniversalTime();

    /// <summary>The starts of the last <paramref name="days"/> local days, oldest first, ending with today's.</summary>
    public IReadOnlyList<DateTimeOffset> DayStarts(int days)
    {
        var starts = new List<DateTimeOffset> { StartOfDay(Now) };
        while (starts.Count < days)
        {
            // An hour before a midnight is in the previous day, whatever daylight saving did to its length.
            starts.Insert(0, StartOfDay(starts[0].AddHours(-1)));
        }

        return starts;
    }

    /// <summary>The starts of the last <paramref name="hours"/> whole UTC hours, oldest first, ending with the current one.</summary>
    public IReadOnlyList<DateTimeOffset> HourStarts(int hours)
    {
        var now = Now;
        var current = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        return Enumerable.Range(0, hours).Select(i => current.AddHours(i - hours + 1)).ToArray();
    }
}
