using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.State;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// Token share: tokens and spend by model, provider, model family or jurisdiction over a window,
/// as points for a stacked chart (hours for 24h, local days otherwise) and a ranking table — all
/// sums of the quarter-hour rollups.
/// </summary>
internal sealed class ShareView(IUsageTimeline timeline, LiveConfig live, CacheSavings savings, DashboardClock clock)
{
    public static readonly string[] Windows = ["24h", "7d", "30d"];

    private readonly PerGeneration<FrozenDictionary<string, string>> _families = new(live, snapshot => snapshot.Config.Models
        .SelectMany(m => m.Deployments)
        .DistinctBy(d => d.Id)
        .ToDictionary(d => d.Id, d => d.Tokenizer ?? snapshot.State.CatalogModels.GetValueOrDefault(d.Id)?.Family ?? "other", StringComparer.Ordinal)
        .ToFrozenDictionary(StringComparer.Ordinal));

    public static readonly string[] Groupings = ["model", "provider", "family", "jurisdiction"];

    public async Task<byte[]> BuildAsync(string window, string by, CancellationToken cancellationToken)
    {
        var points = window switch
        {
            "24h" => clock.HourStarts(24),
            "7d" => clock.DayStarts(7),
            _ => clock.DayStarts(30),
        };
        var now = clock.Now;
        var rows = await timeline.ReadSeriesAsync(points[0], now.AddMinutes(15), cancellationToken).ConfigureAwait(false);
        var groups = new SortedDictionary<string, (SeriesTotals Total, SeriesTotals[] ByPoint)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var group = GroupOf(row, by);
            if (!groups.TryGetValue(group, out var entry))
            {
                entry = (new SeriesTotals(), points.Select(_ => new SeriesTotals()).ToArray());
                groups[group] = entry;
            }

            entry.Total.Add(row, savings);
            var point = PointOf(points, row.Bucket);
            entry.ByPoint[point].Add(row, savings);
        }

        var allTokens = groups.Values.Sum(g => g.Total.Tokens);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("window", window);
            json.WriteString("by", by);
            json.WriteString("from", points[0]);
            json.WriteString("time_zone", clock.Zone.Id);
            json.WriteStartArray("points");
            foreach (var point in points)
            {
                json.WriteStringValue(point);
            }

            json.WriteEndArray();
            json.WriteStartArray("series");
            foreach (var (group, entry) in groups)
            {
                json.WriteStartObject();
                json.WriteString("group", group);
                json.WriteStartArray("tokens");
                foreach (var point in entry.ByPoint)
                {
                    json.WriteNumberValue(point.Tokens);
                }

                json.WriteEndArray();
                json.WriteStartArray("cost_usd_micros");
                foreach (var point in entry.ByPoint)
                {
                    json.WriteNumberValue(point.Cost.UsdMicros(live.Current.Currency));
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("ranking");
            foreach (var (group, entry) in groups.OrderByDescending(g => g.Value.Total.Tokens).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("group", group);
                json.WriteNumber("share", allTokens == 0 ? 0 : (double)entry.Total.Tokens / allTokens);
                json.WriteNumber("cost_usd_micros", entry.Total.Cost.UsdMicros(live.Current.Currency));
                entry.Total.Write(json);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The family of a deployment's model: its configured tokenizer family, else the catalog's, else <c>other</c>.</summary>
    public string FamilyOf(string deployment) => _families.Value.GetValueOrDefault(deployment) ?? "other";

    private string GroupOf(UsageSeriesRow row, string by) => by switch
    {
        "provider" => row.Provider,
        "family" => FamilyOf(row.Deployment),
        "jurisdiction" => row.Jurisdiction,
        _ => row.ModelAlias,
    };

    private static int PointOf(IReadOnlyList<DateTimeOffset> points, DateTimeOffset bucket)
    {
        var index = 0;
        while (index + 1 < points.Count && points[index + 1] <= bucket)
        {
            index++;
        }

        return index;
    }
}
