using System.Globalization;
using System.Text;
using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Http;

/// <summary>Renders usage summaries as JSON, CSV or a text table (CLI and admin API share it).</summary>
internal static class UsageReportWriter
{
    private static readonly string[] Header =
        ["group", "currency", "requests", "input_uncached", "cache_read", "cache_write", "output", "reasoning", "cost", "estimated_requests", "unpriced_requests"];

    public static void WriteJson(Utf8JsonWriter json, string grouping, IReadOnlyList<UsageSummaryRow> rows)
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
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string ToCsv(IReadOnlyList<UsageSummaryRow> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Header).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', Cells(row).Select(Escape)).Append('\n');
        }

        return text.ToString();
    }

    public static string ToTable(IReadOnlyList<UsageSummaryRow> rows)
    {
        var table = new List<string[]> { Header };
        table.AddRange(rows.Select(Cells));
        var widths = Enumerable.Range(0, Header.Length).Select(i => table.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in table)
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == 0 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i] + 2));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string[] Cells(UsageSummaryRow row) =>
    [
        row.Group, row.Currency, Num(row.Requests), Num(row.InputUncached), Num(row.CacheRead), Num(row.CacheWrite),
        Num(row.Output), Num(row.Reasoning), row.Cost.ToString(), Num(row.EstimatedRequests), Num(row.UnpricedRequests),
    ];

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
