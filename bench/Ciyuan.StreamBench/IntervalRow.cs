using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>One interval of a rate run: what the clients saw and what the gateway process looked like at its end.</summary>
internal sealed record IntervalRow(
    int Index, double EndSeconds, double RequestsPerSecond, long Errors, double P50Ms, double P99Ms, double MaxMs,
    double RssMib, double RssFloorMib, double HwmMib, int Fds, int FdsFloor, int Threads, double CpuPercent, double HeapMib, double CommittedMib)
{
    public const string Header = "  #   t(s)    req/s  errors  p50(ms)  p99(ms)  max(ms)  rss(MiB)  floor  hwm(MiB)    fds  floor  threads  cpu(%)  heap(MiB)  committed(MiB)";

    public const string CsvHeader = "interval,t_s,req_per_s,errors,p50_ms,p99_ms,max_ms,rss_mib,rss_floor_mib,hwm_mib,fds,fds_floor,threads,cpu_pct,gc_heap_mib,gc_committed_mib";

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{Index,3} {EndSeconds,6:F0} {RequestsPerSecond,8:F0} {Errors,7} {P50Ms,8:F2} {P99Ms,8:F2} {MaxMs,8:F1} {RssMib,9:F1} {RssFloorMib,6:F0} {HwmMib,9:F1} {Fds,6} {FdsFloor,6} {Threads,8} {CpuPercent,7:F0} {HeapMib,10:F1} {CommittedMib,15:F1}");

    public string Csv() => string.Create(CultureInfo.InvariantCulture,
        $"{Index},{EndSeconds:F1},{RequestsPerSecond:F1},{Errors},{P50Ms:F3},{P99Ms:F3},{MaxMs:F1},{RssMib:F1},{RssFloorMib:F1},{HwmMib:F1},{Fds},{FdsFloor},{Threads},{CpuPercent:F1},{HeapMib:F1},{CommittedMib:F1}");
}
