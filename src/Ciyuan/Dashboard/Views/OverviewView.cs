using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Gateway.Budgets;
using Ciyuan.Gateway.State;
using Ciyuan.Http;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// The Overview page's figures: today and this month (local days in the budget time zone) from the
/// quarter-hour rollups, hourly sparklines for the last 24 hours, every budget line against its
/// window, and latency percentiles from the newest requests. Nothing here scans the ledger.
/// </summary>
internal sealed class OverviewView(
    IUsageTimeline timeline, BudgetLines lines, IBudgetLedger budgets, CacheSavings savings, DashboardClock clock, LiveConfig live)
{
    public async Task<byte[]> BuildAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var monthStart = clock.StartOfMonth(now);
        var dayStart = clock.StartOfDay(now);
        var hours = clock.HourStarts(24);
        var from = hours[0] < monthStart ? hours[0] : monthStart;
        var rows = await timeline.ReadSeriesAsync(from, now.AddMinutes(15), cancellationToken).ConfigureAwait(false);
        var statuses = await budgets.StatusAsync(lines.All, now, cancellationToken).ConfigureAwait(false);
        var newest = await timeline.ReadNewestAsync(now - LatencyPercentiles.Window, LatencyPercentiles.Sample, cancellationToken).ConfigureAwait(false);

        var today = new SeriesTotals();
        var month = new SeriesTotals();
        var hourly = hours.Select(_ => new SeriesTotals()).ToArray();
        foreach (var row in rows)
        {
            if (row.Bucket >= monthStart)
            {
                month.Add(row, savings);
            }

            if (row.Bucket >= dayStart)
            {
                today.Add(row, savings);
            }

            var hour = (int)Math.Floor((row.Bucket - hours[0]).TotalHours);
            if (hour >= 0 && hour < hourly.Length)
            {
                hourly[hour].Add(row, savings);
            }
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("now", now);
            json.WriteString("time_zone", clock.Zone.Id);
            WritePeriod(json, "today", dayStart, today);
            WritePeriod(json, "month", monthStart, month);
            LatencyPercentiles.Write(json, newest);
            WriteSparklines(json, hours, hourly);
            json.WriteStartArray("budgets");
            foreach (var status in statuses)
            {
                BudgetJson.Write(json, status);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePeriod(Utf8JsonWriter json, string name, DateTimeOffset from, SeriesTotals totals)
    {
        json.WriteStartObject(name);
        json.WriteString("from", from);
        totals.Write(json);
        json.WriteEndObject();
    }

    private void WriteSparklines(Utf8JsonWriter json, IReadOnlyList<DateTimeOffset> hours, SeriesTotals[] hourly)
    {
        json.WriteStartObject("sparklines");
        json.WriteStartArray("hours");
        foreach (var hour in hours)
        {
            json.WriteStringValue(hour);
        }

        json.WriteEndArray();
        WriteLine(json, "requests", hourly.Select(h => h.Requests));
        WriteLine(json, "errors", hourly.Select(h => h.Errors));
        WriteLine(json, "tokens", hourly.Select(h => h.Tokens));
        WriteLine(json, "cost_usd_micros", hourly.Select(h => h.Cost.UsdMicros(live.Current.Currency)));
        json.WriteEndObject();
    }

    private static void WriteLine(Utf8JsonWriter json, string name, IEnumerable<long> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
