using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>
/// Opens <c>--count</c> streaming chat completions through the gateway within <c>--ramp-seconds</c>,
/// holds them all open while the upstream drips, and reads each to its end. Every second it samples the
/// gateway process (<c>--watch PID</c>); it prints a timeline, the peaks and the errors by kind, and
/// exits non-zero unless every stream was served whole.
/// </summary>
internal static class OpenStreamsCommand
{
    public static async Task<int> RunAsync(Options options)
    {
        var url = new Uri(options.Required("url").TrimEnd('/') + "/v1/chat/completions");
        var key = options.Required("key");
        var count = options.Int("count", 10_000);
        var ramp = TimeSpan.FromSeconds(options.Double("ramp-seconds", 10));
        var pid = options.Int("watch", 0);
        var printEvery = options.Int("print-seconds", 5);
        var run = options.String("run", "open-streams");
        var http2 = options.String("http2", "false") == "true";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.Int("timeout-seconds", 300)));
        using var client = LoopbackClient.Create(options.String("sources", "127.0.0.1"), Timeout.InfiniteTimeSpan);

        long started = 0, streaming = 0, served = 0, failed = 0;
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var minFrames = int.MaxValue;
        var maxFrames = 0;
        var durations = new ConcurrentBag<double>();
        var firstFrames = new ConcurrentBag<double>();
        var upstream = options.String("upstream", "");
        using var stats = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var peaks = new Peaks();

        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            Console.WriteLine("   t(s)  opened  streaming  served  failed  upstream open  rss(MiB)  hwm(MiB)     fds  threads  cpu(%)");
            var previous = pid > 0 ? ProcessSample.Read(pid) : null;
            var previousAt = clock.Elapsed;
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var second = 0;
            while (await tick.WaitForNextTickAsync())
            {
                second++;
                var sample = pid > 0 ? ProcessSample.Read(pid) : null;
                var now = clock.Elapsed;
                var cpu = sample is not null && previous is not null ? 100 * (sample.CpuSeconds - previous.CpuSeconds) / (now - previousAt).TotalSeconds : 0;
                peaks.Observe(sample, Interlocked.Read(ref streaming));
                var finished = Interlocked.Read(ref served) + Interlocked.Read(ref failed);
                if (second % printEvery == 0 || finished == count)
                {
                    var upstreamOpen = upstream.Length == 0 ? "" : await UpstreamOpenAsync(stats, upstream);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{now.TotalSeconds,7:F0} {Interlocked.Read(ref started),7} {Interlocked.Read(ref streaming),10} {Interlocked.Read(ref served),7} {Interlocked.Read(ref failed),7} {upstreamOpen,14} {sample?.RssMib ?? 0,9:F0} {sample?.HwmMib ?? 0,9:F0} {sample?.Fds ?? 0,7} {sample?.Threads ?? 0,8} {cpu,7:F0}"));
                }

                previous = sample;
                previousAt = now;
                if (finished == count)
                {
                    return;
                }
            }
        });

        var streams = new Task[count];
        for (var i = 0; i < count; i++)
        {
            // Spread the opening over the ramp, as clients arriving, not as one burst of connects.
            var due = ramp * i / count;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            Interlocked.Increment(ref started);
            streams[i] = Task.Run(async () =>
            {
                var first = true;
                using var request = Exchange.Request(url, key, run, stream: true, http2);
                var outcome = await Exchange.RunAsync(client, request, stream: true, () =>
                {
                    if (first)
                    {
                        first = false;
                        Interlocked.Increment(ref streaming);
                    }
                }, deadline.Token);
                if (!first)
                {
                    Interlocked.Decrement(ref streaming);
                }

                if (outcome.Error is null)
                {
                    Interlocked.Increment(ref served);
                    durations.Add(outcome.Elapsed.TotalSeconds);
                    firstFrames.Add(outcome.FirstFrame.TotalSeconds);
                    lock (errors)
                    {
                        minFrames = Math.Min(minFrames, outcome.Frames);
                        maxFrames = Math.Max(maxFrames, outcome.Frames);
                    }
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    errors.AddOrUpdate(outcome.Error, 1, (_, n) => n + 1);
                }
            });
        }

        await Task.WhenAll(streams);
        await sampler;
        var sorted = durations.Order().ToArray();
        Console.WriteLine();
        Console.WriteLine($"streams: {count}");
        Console.WriteLine($"served whole: {served}");
        Console.WriteLine($"failed: {failed}");
        foreach (var (kind, n) in errors.OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  {n} x {kind}");
        }

        if (sorted.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stream duration (s): min {sorted[0]:F1}, p50 {Percentile(sorted, 0.5):F1}, p99 {Percentile(sorted, 0.99):F1}, max {sorted[^1]:F1}; SSE frames per stream {minFrames}-{maxFrames}"));
        }

        var sortedFirst = firstFrames.Order().ToArray();
        if (sortedFirst.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time to first SSE frame (s): p50 {Percentile(sortedFirst, 0.5):F2}, p99 {Percentile(sortedFirst, 0.99):F2}, max {sortedFirst[^1]:F2}"));
        }

        Console.WriteLine($"peak concurrent streams: {peaks.Streams}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway peak: rss {peaks.RssMib:F0} MiB (VmHWM {peaks.HwmMib:F0} MiB), fds {peaks.Fds}, threads {peaks.Threads}"));
        Console.WriteLine($"wall time: {clock.Elapsed.TotalSeconds:F0} s");
        return failed == 0 && served == count ? 0 : 1;
    }

    private static async Task<string> UpstreamOpenAsync(HttpClient stats, string upstream)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(await stats.GetStringAsync(new Uri(upstream.TrimEnd('/') + "/stats")));
            return json.RootElement.GetProperty("open").GetInt64().ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "?";
        }
        catch (TaskCanceledException)
        {
            return "?";
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private sealed class Peaks
    {
        public long Streams { get; private set; }

        public double RssMib { get; private set; }

        public double HwmMib { get; private set; }

        public int Fds { get; private set; }

        public int Threads { get; private set; }

        public void Observe(ProcessSample? sample, long streams)
        {
            Streams = Math.Max(Streams, streams);
            if (sample is null)
            {
                return;
            }

            RssMib = Math.Max(RssMib, sample.RssMib);
            HwmMib = Math.Max(HwmMib, sample.HwmMib);
            Fds = Math.Max(Fds, sample.Fds);
            Threads = Math.Max(Threads, sample.Threads);
        }
    }
}
