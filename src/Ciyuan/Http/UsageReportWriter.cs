using System.Globalization;
using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary>Renders usage summaries as JSON, CSV or a text table (CLI and admin API share it).</summary>
internal static class UsageReportWriter
{
    private static readonly string[] Header =
        ["group", "currency", "requests", "input_uncached", "cache_read", "cache_write", "output", "reasoning", "cost", "estimated_requests", "unpriced_requests", "suspect_requests"];

    public static void WriteJson(Utf8JsonWriter json, string grouping, IReadOnlyList<UsageSummaryRow> rows, IReadOnlyList<UsageRecord>? requests = null)
    {
        json.WriteStartObject();
        json.WriteString("by", grouping);
        json.WriteStartArray("rows");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteString("group", row.Group);
            json.WriteString("currency", row.Currency);
            json.WriteNumber("requests", row.Requests);
            json.WriteNumber("input_uncached", row.InputUncached);
            json.WriteNumber("cache_read", row.CacheRead);
            json.WriteNumber("cache_write", row.CacheWrite);
            json.WriteNumber("output", row.Output);
            json.WriteNumber("reasoning", row.Reasoning);
            json.WriteNumber("cost_micros", row.Cost.Value);
            json.WriteString("cost", row.Cost.ToString());
            json.WriteNumber("estimated_requests", row.EstimatedRequests);
            json.WriteNumber("unpriced_requests", row.UnpricedRequests);
            json.WriteNumber("suspect_requests", row.SuspectRequests);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (requests is not null)
        {
            LedgerListWriter.WriteRequests(json, requests);
        }

        json.WriteEndObject();
    }

    public static string ToCsv(IReadOnlyList<UsageSummaryRow> rows) => TextTable.Csv(Header, rows.Select(Cells));

    public static string ToTable(IReadOnlyList<UsageSummaryRow> rows) => TextTable.Render(Header, rows.Select(Cells));

    private static string[] Cells(UsageSummaryRow row) =>
    [
        row.Group, row.Currency, Num(row.Requests), Num(row.InputUncached), Num(row.CacheRead), Num(row.CacheWrite),
        Num(row.Output), Num(row.Reasoning), row.Cost.ToString(), Num(row.EstimatedRequests), Num(row.UnpricedRequests), Num(row.SuspectRequests),
    ];

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
