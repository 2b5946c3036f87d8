using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>
/// What Linux says of a process at one moment (<c>/proc/PID</c>): resident memory now and at its
/// peak, open file descriptors (sockets included), threads and CPU time used so far.
/// </summary>
internal sealed record ProcessSample(long RssKib, long HwmKib, int Fds, int Threads, double CpuSeconds)
{
    private static readonly double s_ticksPerSecond = 100; // USER_HZ on Linux

    public static ProcessSample? Read(int pid)
    {
        try
        {
            long rss = 0, hwm = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kib(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            var fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
            // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces, so count after ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / s_ticksPerSecond;
            return new ProcessSample(rss, hwm, fds, threads, cpu);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public double RssMib => RssKib / 1024.0;

    public double HwmMib => HwmKib / 1024.0;

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
