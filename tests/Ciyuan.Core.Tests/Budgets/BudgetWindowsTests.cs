using Ciyuan.Core.Budgets;

namespace Ciyuan.Core.Tests.Budgets;

public sealed class BudgetWindowsTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void StartOf_Total_IsTheEpochWhateverTheTime()
    {
        Assert.Equal(DateTimeOffset.UnixEpoch, BudgetWindows.StartOf(BudgetPeriod.Total, DateTimeOffset.Parse("2026-11-23T07:00:00Z"), Shanghai));
    }

    [Fact]
    public void StartOf_Daily_IsLocalMidnightInTheZone()
    {
        // 17:30 UTC on the 22nd is 01:30 on the 23rd in Shanghai: the day began at 16:00 UTC on the 22nd.
        var start = BudgetWindows.StartOf(BudgetPeriod.Daily, DateTimeOffset.Parse("2026-11-22T17:30:00Z"), Shanghai);

        Assert.Equal(DateTimeOffset.Parse("2026-11-22T16:00:00Z"), start);
        Assert.Equal(TimeSpan.FromHours(8), start.Offset);
    }

    [Fact]
    public void StartOf_Daily_SameInstantIsADifferentDayInAnotherZone()
    {
        var at = DateTimeOffset.Parse("2026-11-22T17:30:00Z");

        Assert.Equal(DateTimeOffset.Parse("2026-11-22T00:00:00Z"), BudgetWindows.StartOf(BudgetPeriod.Daily, at, TimeZoneInfo.Utc));
        Assert.NotEqual(BudgetWindows.StartOf(BudgetPeriod.Daily, at, TimeZoneInfo.Utc), BudgetWindows.StartOf(BudgetPeriod.Daily, at, Shanghai));
    }

    [Fact]
    public void StartOf_Monthly_IsTheFirstOfTheLocalMonth()
    {
        // 20:00 UTC on 31 October is already 1 November in Shanghai.
        Assert.Equal(DateTimeOffset.Parse("2026-10-31T16:00:00Z"), BudgetWindows.StartOf(BudgetPeriod.Monthly, DateTimeOffset.Parse("2026-10-31T20:00:00Z"), Shanghai));
        Assert.Equal(DateTimeOffset.Parse("2026-10-01T00:00:00Z"), BudgetWindows.StartOf(BudgetPeriod.Monthly, DateTimeOffset.Parse("2026-10-31T20:00:00Z"), TimeZoneInfo.Utc));
    }

    [Fact]
    public void StartOf_Daily_AcrossADaylightSavingChangeUsesThatDaysOffset()
    {
        // New York leaves daylight saving on 1 November 2026: midnight that day is still UTC-4.
        var start = BudgetWindows.StartOf(BudgetPeriod.Daily, DateTimeOffset.Parse("2026-11-01T15:00:00Z"), NewYork);
        var next = BudgetWindows.StartOf(BudgetPeriod.Daily, DateTimeOffset.Parse("2026-11-02T15:00:00Z"), NewYork);

        Assert.Equal(DateTimeOffset.Parse("2026-11-01T04:00:00Z"), start);
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T05:00:00Z"), next);
        Assert.Equal(TimeSpan.FromHours(25), next - start);
    }
}
