using System.Text;

namespace Ciyuan.Http;

/// <summary>Plain-text and CSV rendering of a header and rows, shared by every report the CLI prints.</summary>
internal static class TextTable
{
    /// <summary>Columns padded to their widest cell; the first left-aligned, the rest right-aligned (numbers).</summary>
    public static string Render(string[] header, IEnumerable<string[]> rows)
    {
        var table = new List<string[]> { header };
        table.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(i => table.Max(r => r[i].Length)).ToArray();
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

    public static string Csv(string[] header, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Escape)).Append('\n');
        }

        return text.ToString();
    }

    private static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
