using System.Text;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>
/// Splits recorded SSE text into records the way the gateway's reader hands them to decoders:
/// comments become <see cref="KeepAlive"/>, <c>[DONE]</c> ends the stream.
/// </summary>
internal static class SseRecords
{
    public static List<(string? EventName, byte[] Data, bool IsComment)> Parse(string text)
    {
        var records = new List<(string?, byte[], bool)>();
        foreach (var record in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            string? data = null;
            foreach (var line in record.Split('\n'))
            {
                if (line.StartsWith(':'))
                {
                    records.Add((null, [], true));
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }

            if (data is not null)
            {
                records.Add((name, Encoding.UTF8.GetBytes(data), false));
            }
        }

        return records;
    }
}
