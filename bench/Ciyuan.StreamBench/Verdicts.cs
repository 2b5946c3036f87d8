using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>
/// Growth verdicts of a long run: a least-squares line through each measure (for memory and
/// descriptors, the lowest of each interval's samples) over the last two
/// thirds of the intervals (the first third is warm-up: pools fill, the JIT settles, the GC finds
/// its budget), and the growth that line predicts across that window, against a tolerance.
/// </summary>
internal static class Verdicts
{
    public static bool Print(IReadOnlyList<IntervalRow> rows)
    {
        if (rows.Count < 6)
        {
            Console.WriteLine("verdict: too few intervals for a growth verdict (6 or more needed)");
            return true;
        }

        var window = rows.Skip(rows.Count / 3).ToArray();
        var minutes = (window[^1].EndSeconds - window[0].EndSeconds) / 60;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"growth over the last {window.Length} intervals ({minutes:F0} min), least-squares fit:"));
        var ok = true;
        ok &= Check("RSS floor (MiB)", window, r => r.RssFloorMib, minutes, mean => Math.Max(0.05 * mean, 8), "5 % of its mean or 8 MiB");
        // Descriptors follow the connections open at the moment (clients reconnect after a stall, idle
        // ones close after a minute), so the floor is fitted, and only a climb beyond that swing counts.
        ok &= Check("descriptor floor", window, r => r.FdsFloor, minutes, mean => Math.Max(0.10 * mean, 32), "10 % of its mean or 32");
        ok &= Check("threads", window, r => r.Threads, minutes, mean => Math.Max(0.05 * mean, 3), "5 % of its mean or 3");
        if (window.All(r => r.HeapMib > 0))
        {
            ok &= Check("GC heap (MiB)", window, r => r.HeapMib, minutes, mean => Math.Max(0.10 * mean, 8), "10 % of its mean or 8 MiB");
        }

        var p99 = window.Select(r => r.P99Ms).Order().ToArray();
        var median = p99[p99.Length / 2];
        ok &= Check("p99 latency (ms)", window, r => r.P99Ms, minutes, _ => 0.25 * median, "25 % of its median");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  p99 per interval: median {median:F2} ms, min {p99[0]:F2}, max {p99[^1]:F2} ({p99[^1] / median:F1}x the median)"));
        Console.WriteLine(ok ? "verdict: FLAT (no growth)" : "verdict: GROWTH (see above)");
        return ok;
    }

    private static bool Check(string name, IntervalRow[] window, Func<IntervalRow, double> measure, double minutes, Func<double, double> tolerance, string rule)
    {
        var xs = window.Select(r => r.EndSeconds / 60).ToArray();
        var ys = window.Select(measure).ToArray();
        var meanX = xs.Average();
        var meanY = ys.Average();
        var sxx = xs.Sum(x => (x - meanX) * (x - meanX));
        var slope = sxx == 0 ? 0 : xs.Zip(ys).Sum(p => (p.First - meanX) * (p.Second - meanY)) / sxx;
        var growth = slope * minutes;
        var allowed = tolerance(meanY);
        var flat = growth <= allowed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-18} first {ys[0],9:F1}  last {ys[^1],9:F1}  mean {meanY,9:F1}  slope {slope,8:F3}/min  fitted growth {growth,8:F1} (allowed {allowed:F1}: {rule})  {(flat ? "flat" : "GROWS")}"));
        return flat;
    }
}
