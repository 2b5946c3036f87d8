using System.Buffers;
using Ciyuan.Core.Buffers;
using System.Globalization;
using System.Text;
using Ciyuan.Core.Budgets;
using Microsoft.Win32.SafeHandles;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Where a single instance makes its budget holds durable before their requests leave: one line
/// appended to a file of its own with one <c>write</c> — no transaction, no wait for a batch. What a
/// process has written survives the process being killed; with <c>sync_to_disk</c> each line is also
/// flushed, which survives power loss. Settled holds are never written again: the usage record (or
/// release entry) in the database settles them, and a journal file is deleted once every hold in it
/// is settled. At the next start, the files another (dead) instance left are folded into the
/// database, where their unsettled holds become in doubt.
/// </summary>
internal sealed class HoldJournal : IDisposable
{
    // Control characters cannot occur in ids, names or HTTP header values, so they delimit safely.
    private const char FieldSeparator = '\u001f';
    private const char LineSeparator = '\u001e';
    private const long DefaultSegmentBytes = 16 * 1024 * 1024;

    private readonly string _directory;
    private readonly string _filePrefix;
    private readonly bool _flush;
    private readonly long _segmentBytes;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _segmentOf = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _openIn = [];
    private SafeFileHandle? _file;
    private int _segment;
    private long _offset;

    public HoldJournal(string directory, string instanceId, bool flush, long segmentBytes = DefaultSegmentBytes)
    {
        _directory = directory;
        _filePrefix = Sanitize(instanceId) + ".";
        _flush = flush;
        _segmentBytes = segmentBytes;
    }

    /// <summary>Appends a hold; when this returns, the hold survives the process being killed.</summary>
    public void AppendHold(BudgetHold hold)
    {
        var target = hold.Target;
        var line = Line('h', hold.RequestId, Ms(hold.At), target.KeyId, target.Project, target.RunId, target.Model, hold.Provider,
            hold.Deployment, hold.WorstCaseUsd.Value.ToString(CultureInfo.InvariantCulture), HeldLinesText.Write(hold.Lines).Replace('\n', LineSeparator));
        lock (_gate)
        {
            Write(line.WrittenSpan);
            _segmentOf[hold.RequestId] = _segment;
            _openIn[_segment] = _openIn.GetValueOrDefault(_segment) + 1;
        }

        ScratchBuffer.GiveBack(line);
    }

    /// <summary>Appends a fallback attempt, so an in-doubt hold names where its request last went.</summary>
    public void AppendAttempt(string requestId, int attempt, string provider, string deployment, DateTimeOffset at)
    {
        var line = Line('a', requestId, Ms(at), attempt.ToString(CultureInfo.InvariantCulture), provider, deployment);
        lock (_gate)
        {
            Write(line.WrittenSpan);
        }

        ScratchBuffer.GiveBack(line);
    }

    /// <summary>The hold's request is settled durably elsewhere; a file whose holds are all settled is deleted.</summary>
    public void Settled(string requestId)
    {
        lock (_gate)
        {
            if (!_segmentOf.Remove(requestId, out var segment))
            {
                return;
            }

            var open = _openIn[segment] - 1;
            _openIn[segment] = open;
            if (open == 0 && segment != _segment)
            {
                _openIn.Remove(segment);
                TryDelete(PathOf(segment));
            }
        }
    }

    /// <summary>Journal files of other instances (processes that are gone), oldest first.</summary>
    public IReadOnlyList<string> OrphanFiles() => Directory.Exists(_directory)
        ? Directory.GetFiles(_directory, "*.holds").Where(f => !Path.GetFileName(f).StartsWith(_filePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Reads a journal file: holds and attempts, in the order written. A line cut short by a crash is skipped.</summary>
    public static (List<BudgetHold> Holds, List<(string RequestId, int Attempt, string Provider, string Deployment, DateTimeOffset At)> Attempts) Read(string path)
    {
        var holds = new List<BudgetHold>();
        var attempts = new List<(string, int, string, string, DateTimeOffset)>();
        foreach (var line in File.ReadAllLines(path, Encoding.UTF8))
        {
            var f = line.Split(FieldSeparator);
            if (f is ["h", var id, var at, var key, var project, var run, var model, var provider, var deployment, var worst, var lines])
            {
                holds.Add(new BudgetHold
                {
                    RequestId = id,
                    At = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(at, CultureInfo.InvariantCulture)),
                    Target = new ChargeTarget(key, key, Empty(project), Empty(run), model),
                    Provider = provider,
                    Deployment = deployment,
                    WorstCaseUsd = new Core.Metering.MicroUnits(long.Parse(worst, CultureInfo.InvariantCulture)),
                    Lines = HeldLinesText.Read(lines.Replace(LineSeparator, '\n')),
                });
            }
            else if (f is ["a", var attemptId, var attemptAt, var number, var attemptProvider, var attemptDeployment])
            {
                attempts.Add((attemptId, int.Parse(number, CultureInfo.InvariantCulture), attemptProvider, attemptDeployment,
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(attemptAt, CultureInfo.InvariantCulture))));
            }
        }

        return (holds, attempts);
    }

    public static void Delete(string path) => TryDelete(path);

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;

            // A clean stop with nothing open leaves nothing to reconcile.
            if (_segmentOf.Count == 0)
            {
                foreach (var segment in _openIn.Keys.Append(_segment))
                {
                    TryDelete(PathOf(segment));
                }
            }
        }
    }

    private void Write(ReadOnlySpan<byte> line)
    {
        if (_file is null || _offset >= _segmentBytes)
        {
            OpenNextSegment();
        }

        try
        {
            RandomAccess.Write(_file!, line, _offset);
            if (_flush)
            {
                RandomAccess.FlushToDisk(_file!);
            }
        }
        catch (IOException ex)
        {
            throw new StorageException($"the hold journal in '{_directory}' could not be written: {ex.Message}", ex);
        }

        _offset += line.Length;
    }

    private void OpenNextSegment()
    {
        if (_file is not null)
        {
            _file.Dispose();
            if (_openIn.GetValueOrDefault(_segment) == 0)
            {
                _openIn.Remove(_segment);
                TryDelete(PathOf(_segment));
            }

            _segment++;
        }

        try
        {
            PrivateFiles.CreateDirectory(_directory);
            _file = PrivateFiles.CreateForWriting(PathOf(_segment));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"the hold journal in '{_directory}' could not be opened: {ex.Message}", ex);
        }

        _offset = 0;
    }

    private string PathOf(int segment) => Path.Combine(_directory, $"{_filePrefix}{segment.ToString("D6", CultureInfo.InvariantCulture)}.holds");

    /// <summary>
    /// The line of <paramref name="kind"/> — each field after a separator (null as empty), then a
    /// newline — as UTF-8 in a scratch buffer (<see cref="ScratchBuffer"/>; the caller gives it back):
    /// a hold is written for every request, and the line as strings (joined, suffixed, then
    /// encoded) was most of the journal's garbage per request.
    /// </summary>
    private static ArrayBufferWriter<byte> Line(char kind, params ReadOnlySpan<string?> fields)
    {
        var line = ScratchBuffer.Take();
        Append(line, [kind]);
        foreach (var field in fields)
        {
            Append(line, [FieldSeparator]);
            Append(line, field);
        }

        line.Write("\n"u8);
        return line;
    }

    private static void Append(ArrayBufferWriter<byte> line, ReadOnlySpan<char> text)
    {
        var written = Encoding.UTF8.GetBytes(text, line.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        line.Advance(written);
    }

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static string Sanitize(string instanceId) => string.Concat(instanceId.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start, which reads it and finds every hold in it settled.
        }
    }
}
