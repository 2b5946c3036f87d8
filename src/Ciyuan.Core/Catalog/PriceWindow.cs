namespace Ciyuan.Core.Catalog;

/// <summary>
/// A weekly time window in UTC, start inclusive and end exclusive, on the listed days.
/// Vendors publish peak hours in local time (DeepSeek: Beijing); the catalog stores them in UTC
/// so that pricing never depends on the gateway host's time zone. A window never wraps past
/// midnight: a vendor window that does is written as two windows.
/// </summary>
public sealed record PriceWindow
{
    /// <summary>Days the window applies on, in UTC; empty means every day.</summary>
    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    /// <summary>Start of the window as time of day in UTC (inclusive).</summary>
    public required TimeSpan Start { get; init; }

    /// <summary>End of the window as time of day in UTC (exclusive); may be 24:00.</summary>
    public required TimeSpan End { get; init; }

    public bool Contains(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        if (Days.Count > 0 && !ContainsDay(utc.DayOfWeek))
        {
            return false;
        }

        var time = utc.TimeOfDay;
        return time >= Start && time < End;
    }

    private bool ContainsDay(DayOfWeek day)
    {
        // A loop, not LINQ: this runs on every priced request.
        for (var i = 0; i < Days.Count; i++)
        {
            if (Days[i] == day)
            {
                return true;
            }
        }

        return false;
    }
}
