using Ciyuan.Core.Metering;

namespace Ciyuan.Dashboard.Live;

/// <summary>
/// What each deployment did lately on this instance, from the records the ledger committed: requests
/// and tokens in the last minute (six ten-second segments, as the limits count them) and failed
/// requests by status over the last fifteen minutes. Updated by the dashboard's own task only.
/// </summary>
internal sealed class DeploymentActivity(TimeProvider time)
{
    private const long SegmentMs = 10_000;
    private const int RateSegments = 6;
    private const long ErrorSegmentMs = 60_000;
    private const int ErrorSegments = 15;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public void Add(UsageRecord record)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (!_windows.TryGetValue(record.Deployment, out var window))
            {
                window = new Window();
                _windows[record.Deployment] = window;
            }

            var segment = now / SegmentMs;
            var slot = (int)(segment % RateSegments);
            if (window.RateEpochs[slot] != segment)
            {
                window.RateEpochs[slot] = segment;
                window.Requests[slot] = 0;
                window.Tokens[slot] = 0;
            }

            window.Requests[slot]++;
            window.Tokens[slot] += record.Usage.TotalTokens;
            if (record.Status is not (RequestStatus.Ok or RequestStatus.ClientDisconnected))
            {
                var errorSegment = now / ErrorSegmentMs;
                var errorSlot = (int)(errorSegment % ErrorSegments);
                if (window.ErrorEpochs[errorSlot] != errorSegment)
                {
                    window.ErrorEpochs[errorSlot] = errorSegment;
                    window.Errors[errorSlot].Clear();
                }

                window.Errors[errorSlot][record.Status] = window.Errors[errorSlot].GetValueOrDefault(record.Status) + 1;
            }
        }
    }

    /// <summary>Requests and tokens in the last minute, and failures by status in the last fifteen.</summary>
    public (long Requests, long Tokens, IReadOnlyDictionary<string, long> Errors) Of(string deployment)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (!_windows.TryGetValue(deployment, out var window))
            {
                return (0, 0, new Dictionary<string, long>());
            }

            long requests = 0, tokens = 0;
            var segment = now / SegmentMs;
            for (var i = 0; i < RateSegments; i++)
            {
                if (segment - window.RateEpochs[i] < RateSegments)
                {
                    requests += window.Requests[i];
                    tokens += window.Tokens[i];
                }
            }

            var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var errorSegment = now / ErrorSegmentMs;
            for (var i = 0; i < ErrorSegments; i++)
            {
                if (errorSegment - window.ErrorEpochs[i] < ErrorSegments)
                {
                    foreach (var (status, count) in window.Errors[i])
                    {
                        errors[status] = errors.GetValueOrDefault(status) + count;
                    }
                }
            }

            return (requests, tokens, errors);
        }
    }

    private sealed class Window
    {
        public long[] RateEpochs { get; } = Enumerable.Repeat(long.MinValue / 2, RateSegments).ToArray();

        public long[] Requests { get; } = new long[RateSegments];

        public long[] Tokens { get; } = new long[RateSegments];

        public long[] ErrorEpochs { get; } = Enumerable.Repeat(long.MinValue / 2, ErrorSegments).ToArray();

        public Dictionary<string, long>[] Errors { get; } = Enumerable.Range(0, ErrorSegments).Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
    }
}
