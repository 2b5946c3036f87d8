using System.Text.Json;
using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Views;

/// <summary>
/// p50 and p95 of latency and time to first token over the newest successful requests of the last
/// hour, by the nearest-rank method (the value at rank ⌈p·n⌉ of the sorted list), so anyone with
/// the ledger rows gets the same numbers.
/// </summary>
internal static class LatencyPercentiles
{
    /// <summary>At most this many of the newest requests are read, by the time index (never a scan).</summary>
    public const int Sample = 2_000;

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static double? Rank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static void Write(Utf8JsonWriter json, IReadOnlyList<UsageRecord> newest)
    {
        var ok = newest.Where(r => r.Status == RequestStatus.Ok).ToArray();
        var latency = ok.Select(r => r.LatencyMs).Order().ToArray();
        var ttft = ok.Where(r => r.TimeToFirstTokenMs is not null).Select(r => r.TimeToFirstTokenMs!.Value).Order().ToArray();
        json.WriteStartObject("latency");
        json.WriteString("window", "1h");
        json.WriteNumber("sample", ok.Length);
        WriteValue(json, "p50_ms", Rank(latency, 0.50));
        WriteValue(json, "p95_ms", Rank(latency, 0.95));
        WriteValue(json, "ttft_p50_ms", Rank(ttft, 0.50));
        WriteValue(json, "ttft_p95_ms", Rank(ttft, 0.95));
        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 1));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
