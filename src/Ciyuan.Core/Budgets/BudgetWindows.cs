namespace Ciyuan.Core.Budgets;

/// <summary>
/// Calendar windows in the configured time zone: a daily budget starts over at local midnight, a
/// monthly one on the 1st. Charges belong to the window in which their request started.
/// </summary>
public static class BudgetWindows
{
    /// <summary>The start of the window containing <paramref name="at"/>; <see cref="DateTimeOffset.UnixEpoch"/> for total budgets.</summary>
    public static DateTimeOffset StartOf(BudgetPeriod period, DateTimeOffset at, TimeZoneInfo zone)
    {
        if (period == BudgetPeriod.Total)
        {
            return DateTimeOffset.UnixEpoch;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone);
        var start = period == BudgetPeriod.Daily
            ? new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified)
            : new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(start, LocalOffset(zone, start));
    }

    /// <summary>
    /// The zone's offset at a local midnight. Where a transition skips midnight itself (a few zones
    /// move clocks at 00:00), the window starts at the first valid moment after it.
    /// </summary>
    private static TimeSpan LocalOffset(TimeZoneInfo zone, DateTime localMidnight)
    {
        while (zone.IsInvalidTime(localMidnight))
        {
            localMidnight = localMidnight.AddMinutes(15);
        }

        return zone.IsAmbiguousTime(localMidnight)
            ? zone.GetAmbiguousTimeOffsets(localMidnight).Max()
            : zone.GetUtcOffset(localMidnight);
    }
}
