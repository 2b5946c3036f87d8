using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ciyuan.Storage;

/// <summary>
/// The store's own instruments, on the gateway's meter (<see cref="StorageOptions.Meter"/>): how long
/// a group commit takes, how many writes wait for the next one, and the appends to the hold journal.
/// Without a meter (the command line's reports) every call does nothing. The storage library keeps
/// its own names here so it needs nothing from the gateway's.
/// </summary>
public sealed class LedgerMetrics
{
    public const string CommitDuration = "ciyuan.ledger.commit.duration";
    public const string QueueDepth = "ciyuan.ledger.queue.depth";
    public const string JournalAppends = "ciyuan.hold_journal.appends";

    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter? _meter;
    private readonly Histogram<double>? _commit;
    private readonly Counter<long>? _appends;
    private readonly KeyValuePair<string, object?> _backend;

    private LedgerMetrics(Meter? meter, string backend)
    {
        _meter = meter;
        _backend = new("backend", backend);
        if (meter is null)
        {
            return;
        }

        _commit = meter.CreateHistogram(CommitDuration, "s", "Time to write and commit one group of ledger writes (one transaction).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        _appends = meter.CreateCounter<long>(JournalAppends, "{append}", "Appends to the hold journal: a hold made durable, or a fallback noted.");
    }

    public static LedgerMetrics None { get; } = new(null, string.Empty);

    public static LedgerMetrics For(Meter? meter, string backend) => meter is null ? None : new(meter, backend);

    /// <summary>Reports the number of writes waiting for the commit after the running one, on every collection.</summary>
    public void TrackQueue(Func<int> depth)
    {
        var backend = _backend;
        _meter?.CreateObservableGauge(QueueDepth, () => new Measurement<int>(depth(), backend), "{write}",
            "Ledger writes waiting for the next group commit.");
    }

    /// <summary>Times a batch from <paramref name="startedTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Committed(long startedTimestamp)
    {
        if (_commit is { Enabled: true } commit)
        {
            commit.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, _backend);
        }
    }

    /// <summary>One append to the hold journal: <c>hold</c> or <c>attempt</c>.</summary>
    public void JournalAppended(string kind)
    {
        if (_appends is { Enabled: true } appends)
        {
            appends.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>Whether a timestamp is worth taking (someone listens to commit times).</summary>
    public bool TimesCommits => _commit is { Enabled: true };
}
