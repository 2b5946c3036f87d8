using System.Globalization;

namespace Ciyuan.StreamBench;

/// <summary>
/// The latest values of the gateway's runtime counters, read from the CSV that
/// <c>dotnet-counters collect --format csv</c> keeps appending to (GC heap after the last
/// collection, memory the GC has committed, thread-pool threads and queue).
/// </summary>
internal sealed class RuntimeCounters(string? path)
{
    private long _offset;
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);

    public double? HeapMib => Sum("dotnet.gc.last_collection.heap.size") is { } bytes ? bytes / 1048576 : null;

    public double? CommittedMib => Sum("dotnet.gc.last_collection.memory.committed_size") is { } bytes ? bytes / 1048576 : null;

    public double? PoolThreads => Sum("dotnet.thread_pool.thread.count");

    public void Refresh()
    {
        if (path is null || !File.Exists(path))
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_offset, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        var text = reader.ReadToEnd();
        // Only whole lines: the writer may be in the middle of one.
        var end = text.LastIndexOf('\n');
        if (end < 0)
        {
            return;
        }

        _offset += reader.CurrentEncoding.GetByteCount(text.AsSpan(0, end + 1));
        foreach (var line in text[..end].Split('\n'))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
            var fields = line.Split(',');
            if (fields.Length >= 5 && double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _latest[fields[2]] = value;
            }
        }
    }

    private double? Sum(string counter)
    {
        double? total = null;
        foreach (var (name, value) in _latest)
        {
            if (name.StartsWith(counter, StringComparison.Ordinal))
            {
                total = (total ?? 0) + value;
            }
        }

        return total;
    }
}
