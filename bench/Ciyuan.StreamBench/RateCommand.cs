using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>
/// Chat completions through the gateway for <c>--seconds</c>: at a fixed <c>--rate</c> per second
/// (latency counted from when each request was due, so a stall shows as latency, not as fewer
/// requests), or, with <c>--rate 0</c>, as fast as <c>--connections</c> clients in a closed loop
/// go. A share of them (<c>--stream-share</c>) stream. Every <c>--interval-seconds</c> it prints a
/// row: requests, errors, p50/p99/max latency, and the gateway's resident memory, descriptors,
/// threads, CPU and GC heap; at the end, whether memory, handles and p99 grew.
/// </summary>
internal static class RateCommand
{
    public static async Task<int> RunAsync(Options options)
    {
        var url = new Uri(options.Required("url").TrimEnd('/') + "/v1/chat/completions");
        var key = options.Required("key");
        var connections = options.Int("connections", 64);
        var rate = options.Double("rate", 0);
        var duration = TimeSpan.FromSeconds(options.Double("seconds", 60));
        var interval = TimeSpan.FromSeconds(options.Double("interval-seconds", 60));
        var streamShare = options.Double("stream-share", 0.5);
        var pid = options.Int("watch", 0);
        var run = options.String("run", "rate");
        var http2 = options.String("http2", "false") == "true";
        var csvPath = options.String("csv", "");
        var counters = new RuntimeCounters(options.String("counters", "") is { Length: > 0 } c ? c : null);
        using var client = LoopbackClient.Create(options.String("sources", "127.0.0.1"), TimeSpan.FromSeconds(120));

        var window = new Window();
        // Several samples a minute: the row keeps the lowest, the floor a leak would raise, which a
        // GC sawtooth or a burst of reconnections at the minute's end does not move.
        var floors = new Floors();
        using var sampling = new CancellationTokenSource();
        var sampler = pid > 0 ? Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(options.Double("sample-seconds", 5)));
            while (await tick.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                floors.Observe(ProcessSample.Read(pid));
            }
        }) : Task.CompletedTask;
        var rows = new List<IntervalRow>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        using var slots = new SemaphoreSlim(connections);
        long issued = 0;

        async Task OneAsync(long n, TimeSpan due)
        {
            var stream = n % 100 < streamShare * 100;
            using var request = Exchange.Request(url, key, run, stream, http2);
            var outcome = await Exchange.RunAsync(client, request, stream, onFrame: null, CancellationToken.None);
            window.Add(outcome.Error, (clock.Elapsed - due).TotalMilliseconds);
        }

        var load = rate > 0
            ? Task.Run(async () =>
            {
                var inFlight = new ConcurrentDictionary<Task, bool>();
                while (!stop.IsCancellationRequested)
                {
                    var now = clock.Elapsed;
                    var due = (long)(now.TotalSeconds * rate);
                    while (issued < due)
                    {
                        var at = TimeSpan.FromSeconds(issued / rate);
                        var n = issued++;
                        await slots.WaitAsync();
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await OneAsync(n, at);
                            }
                            finally
                            {
                                slots.Release();
                            }
                        });
                    }

                    await Task.Delay(2);
                }

                for (var i = 0; i < connections; i++)
                {
                    await slots.WaitAsync();
                }
            })
            : Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref issued);
                    await OneAsync(n * 37 + worker, clock.Elapsed);
                }
            })));

        Console.WriteLine(IntervalRow.Header);
        var previous = pid > 0 ? ProcessSample.Read(pid) : null;
        var previousAt = TimeSpan.Zero;
        for (var end = interval; end <= duration + TimeSpan.FromMilliseconds(1); end += interval)
        {
            var wait = end - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var (completed, failed, latencies) = window.Take();
            var sample = pid > 0 ? ProcessSample.Read(pid) : null;
            floors.Observe(sample);
            var (rssFloor, fdsFloor) = floors.Take();
            counters.Refresh();
            var now = clock.Elapsed;
            var cpu = sample is not null && previous is not null ? 100 * (sample.CpuSeconds - previous.CpuSeconds) / (now - previousAt).TotalSeconds : 0;
            var row = new IntervalRow(rows.Count + 1, now.TotalSeconds, completed / (now - previousAt).TotalSeconds, failed,
                Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Length > 0 ? latencies[^1] : 0,
                sample?.RssMib ?? 0, rssFloor, sample?.HwmMib ?? 0, sample?.Fds ?? 0, fdsFloor, sample?.Threads ?? 0, cpu,
                counters.HeapMib ?? 0, counters.CommittedMib ?? 0);
            rows.Add(row);
            Console.WriteLine(row.Format());
            previous = sample;
            previousAt = now;
        }

        await stop.CancelAsync();
        await load;
        await sampling.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
            // The sampler stops with the run.
        }
        var total = window.Total;
        var errors = window.TotalFailed;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests: {total}, errors: {errors}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput: {rows.Average(r => r.RequestsPerSecond):F0} req/s"));
        foreach (var (kind, n) in window.ErrorKinds.OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  {n} x {kind}");
        }

        if (csvPath.Length > 0)
        {
            await File.WriteAllLinesAsync(csvPath, [IntervalRow.CsvHeader, .. rows.Select(r => r.Csv())]);
        }

        var verdicts = Verdicts.Print(rows);
        return errors == 0 && verdicts ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>The lowest resident memory and descriptor count sampled in the interval in progress.</summary>
    private sealed class Floors
    {
        private readonly Lock _lock = new();
        private double _rss = double.MaxValue;
        private int _fds = int.MaxValue;

        public void Observe(ProcessSample? sample)
        {
            if (sample is null)
            {
                return;
            }

            lock (_lock)
            {
                _rss = Math.Min(_rss, sample.RssMib);
                _fds = Math.Min(_fds, sample.Fds);
            }
        }

        public (double RssMib, int Fds) Take()
        {
            lock (_lock)
            {
                var taken = (_rss == double.MaxValue ? 0 : _rss, _fds == int.MaxValue ? 0 : _fds);
                _rss = double.MaxValue;
                _fds = int.MaxValue;
                return taken;
            }
        }
    }

    /// <summary>The latencies and errors of the interval in progress.</summary>
    private sealed class Window
    {
        private readonly Lock _lock = new();
        private List<double> _latencies = new(1 << 16);
        private long _failed;
        private long _total;
        private long _totalFailed;

        public long Total => Interlocked.Read(ref _total);

        public long TotalFailed => Interlocked.Read(ref _totalFailed);

        public ConcurrentDictionary<string, int> ErrorKinds { get; } = new(StringComparer.Ordinal);

        public void Add(string? error, double milliseconds)
        {
            Interlocked.Increment(ref _total);
            if (error is not null)
            {
                Interlocked.Increment(ref _totalFailed);
                Interlocked.Increment(ref _failed);
                ErrorKinds.AddOrUpdate(error, 1, (_, n) => n + 1);
            }

            lock (_lock)
            {
                _latencies.Add(milliseconds);
            }
        }

        public (int Completed, long Failed, double[] Sorted) Take()
        {
            List<double> taken;
            lock (_lock)
            {
                taken = _latencies;
                _latencies = new List<double>(Math.Max(1024, taken.Count));
            }

            var sorted = taken.ToArray();
            Array.Sort(sorted);
            return (sorted.Length, Interlocked.Exchange(ref _failed, 0), sorted);
        }
    }
}
