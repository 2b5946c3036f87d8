using System.Globalization;
using System.Text;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;

namespace Ciyuan.Storage;

/// <summary>
/// A hold's lines as one text column (<c>line_id|window_start_ms|amount_micros|currency</c> per
/// line, newline-separated): a hold touches two or three lines, and the settlement that reads them
/// back is in the same database, so a child table would only add a join to the hot path.
/// </summary>
public static class HeldLinesText
{
    public static string Write(IReadOnlyList<HeldLine> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(line.LineId).Append('|')
                .Append(line.WindowStart.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(line.Amount.Value.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(line.Currency);
        }

        return text.ToString();
    }

    public static IReadOnlyList<HeldLine> Read(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var lines = new List<HeldLine>();
        foreach (var row in text.Split('\n'))
        {
            // Line ids may contain '|' (a run id chosen by a client), so fields are taken from the right.
            var currencyAt = row.LastIndexOf('|');
            var amountAt = row.LastIndexOf('|', currencyAt - 1);
            var windowAt = row.LastIndexOf('|', amountAt - 1);
            lines.Add(new HeldLine(
                row[..windowAt],
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(row.AsSpan(windowAt + 1, amountAt - windowAt - 1), CultureInfo.InvariantCulture)),
                new MicroUnits(long.Parse(row.AsSpan(amountAt + 1, currencyAt - amountAt - 1), CultureInfo.InvariantCulture)),
                row[(currencyAt + 1)..]));
        }

        return lines;
    }
}
