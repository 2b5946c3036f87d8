using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Rows;

/// <summary>
/// The SQL expression a report groups by, for both backends: from the rollups (where "none" is
/// kept as an empty string) or from the request lines (where it is NULL). Only the day of a request
/// line is written differently by each database.
/// </summary>
internal static class UsageGroupingColumns
{
    public static string For(UsageGrouping grouping, bool fromRollups, string dayOfRequestLine) => grouping switch
    {
        UsageGrouping.Key => "key_id",
        UsageGrouping.Project => fromRollups ? "CASE project WHEN '' THEN '(none)' ELSE project END" : "COALESCE(project, '(none)')",
        UsageGrouping.Run => fromRollups ? "CASE run_id WHEN '' THEN '(none)' ELSE run_id END" : "COALESCE(run_id, '(none)')",
        UsageGrouping.Model => "model_alias",
        UsageGrouping.Provider => "provider",
        UsageGrouping.Day => fromRollups ? "day" : dayOfRequestLine,
        _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
    };
}
