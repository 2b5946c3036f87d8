using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Ciyuan.Storage.Backlog;

/// <summary>
/// Where an instance keeps the writes its database could not take, until it takes them: one JSON
/// line per write, appended with one <c>write</c> (what a process has written survives it being
/// killed; with <c>sync_to_disk</c> each line is also flushed). A file whose writes all reached the
/// database is deleted. Files another instance left (it died with writes still waiting) are read
/// back by the next instance started on the same data directory once that instance is known dead.
/// </summary>
internal sealed class OutageJournal : IDisposable
{
    private const long SegmentBytes = 16 * 1024 * 1024;

    private readonly string _directory;
    private readonly string _instanceId;
    private readonly string _database;
    private readonly string _filePrefix;
    private readonly bool _flush;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, int> _openIn = [];
    private SafeFileHandle? _file;
    private int _segment;
    private long _offset;

    /// <param name="database">Which database the writes are for: only an instance of the same database reads them back.</param>
    public OutageJournal(string directory, string instanceId, string database, bool flush)
    {
        _directory = directory;
        _instanceId = instanceId;
        _database = database;
        _filePrefix = Sanitize(instanceId) + ".";
        _flush = flush;
    }

    /// <summary>Appends a write; when this returns it survives the process being killed. Returns its segment, for <see cref="Done"/>.</summary>
    public int Append(BacklogItem item)
    {
        var line = JsonSerializer.Serialize(item, BacklogJson.Default.BacklogItem);
        lock (_gate)
        {
            if (_file is null || _offset >= SegmentBytes)
            {
                OpenNextSegment();
            }

            Write(line);
            _openIn[_segment] = _openIn.GetValueOrDefault(_segment) + 1;
            return _segment;
        }
    }

    /// <summary>A write of that segment reached the database; a segment with nothing left waiting is deleted.</summary>
    public void Done(int segment)
    {
        lock (_gate)
        {
            if (!_openIn.TryGetValue(segment, out var open))
            {
                return;
            }

            if (open > 1)
            {
                _openIn[segment] = open - 1;
                return;
            }

            _openIn.Remove(segment);
            if (segment == _segment && _file is not null)
            {
                _file.Dispose();
                _file = null;
                _segment++;
            }

            TryDelete(PathOf(segment));
        }
    }

    /// <summary>Journal files in <paramref name="directory"/> for <paramref name="database"/> not written by <paramref name="exceptInstance"/>, with the instance that wrote each.</summary>
    public static IReadOnlyList<(string File, string Instance)> Others(string directory, string database, string exceptInstance)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var own = Sanitize(exceptInstance) + ".";
        var found = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(directory, "*.backlog").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file).StartsWith(own, StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = new StreamReader(file, Encoding.UTF8);
            var header = reader.ReadLine() is { } first ? TryHeader(first) : null;
            if (header is not null && header.Database == database)
            {
                found.Add((file, header.Instance));
            }
            else if (header is null)
            {
                // Killed before its header reached the disk: it holds nothing.
                TryDelete(file);
            }
        }

        return found;
    }

    /// <summary>The writes in a journal file, in the order written; a line cut short by a crash is skipped.</summary>
    public static IReadOnlyList<BacklogItem> Read(string file)
    {
        var items = new List<BacklogItem>();
        foreach (var line in File.ReadLines(file, Encoding.UTF8).Skip(1))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, BacklogJson.Default.BacklogItem) is { } item)
                {
                    items.Add(item);
                }
            }
            catch (JsonException)
            {
                // The last line of a killed process may be incomplete; nothing after it was acknowledged.
            }
        }

        return items;
    }

    public static void Delete(string file) => TryDelete(file);

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static BacklogHeader? TryHeader(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, BacklogJson.Default.BacklogHeader);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void OpenNextSegment()
    {
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
            _segment++;
        }

        try
        {
            PrivateFiles.CreateDirectory(_directory);
            _file = PrivateFiles.CreateForWriting(PathOf(_segment));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"the outage journal in '{_directory}' could not be opened: {ex.Message}", ex);
        }

        _offset = 0;
        Write(JsonSerializer.Serialize(new BacklogHeader(_instanceId, _database), BacklogJson.Default.BacklogHeader));
    }

    private void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        try
        {
            RandomAccess.Write(_file!, bytes, _offset);
            if (_flush)
            {
                RandomAccess.FlushToDisk(_file!);
            }
        }
        catch (IOException ex)
        {
            throw new StorageException($"the outage journal in '{_directory}' could not be written: {ex.Message}", ex);
        }

        _offset += bytes.Length;
    }

    private string PathOf(int segment) => Path.Combine(_directory, $"{_filePrefix}{segment.ToString("D6", CultureInfo.InvariantCulture)}.backlog");

    private static string Sanitize(string instanceId) => string.Concat(instanceId.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Read again by the next start; every write in it is idempotent.
        }
    }
}
