using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary>The <c>--by</c> / <c>?by=</c> names of usage groupings.</summary>
internal static class UsageGroupings
{
    public const string Names = "key, project, run, model, provider, day";

    public static bool TryParse(string text, out UsageGrouping grouping)
    {
        (var ok, grouping) = text switch
        {
            "key" => (true, UsageGrouping.Key),
            "project" => (true, UsageGrouping.Project),
            "run" => (true, UsageGrouping.Run),
            "model" => (true, UsageGrouping.Model),
            "provider" => (true, UsageGrouping.Provider),
            "day" => (true, UsageGrouping.Day),
            _ => (false, UsageGrouping.Model),
        };
        return ok;
    }
}
