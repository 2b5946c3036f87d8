namespace Ciyuan.Storage.Backlog;

/// <summary>
/// Writes waiting for the database, bounded: each is in memory (to be written when the database is
/// back) and in the outage journal (so a crash does not lose it). When the backlog is full, or the
/// journal cannot be written, a write is refused — its request's record is then not durable anywhere,
/// and the caller treats the request as in doubt.
/// </summary>
internal sealed class OutageBacklog(OutageJournal journal, int capacity)
{
    private readonly LinkedList<Waiting> _waiting = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Keeps the write durably until <see cref="Done"/>; false when the backlog is full or the journal failed.</summary>
    public bool TryAdd(BacklogItem item)
    {
        lock (_gate)
        {
            if (_waiting.Count >= capacity)
            {
                return false;
            }
        }

        int segment;
        try
        {
            segment = journal.Append(item);
        }
        catch (StorageException)
        {
            return false;
        }

        lock (_gate)
        {
            _waiting.AddLast(new Waiting(item, segment));
        }

        return true;
    }

    /// <summary>The oldest waiting writes, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<Waiting> Oldest(int count)
    {
        lock (_gate)
        {
            return _waiting.Take(count).ToList();
        }
    }

    /// <summary>These writes reached the database (or can never be written): they stop waiting.</summary>
    public void Done(IEnumerable<Waiting> written)
    {
        foreach (var item in written)
        {
            bool removed;
            lock (_gate)
            {
                removed = _waiting.Remove(item);
            }

            if (removed)
            {
                journal.Done(item.Segment);
            }
        }
    }

    /// <summary>A write waiting for the database, and the journal segment that keeps it.</summary>
    internal sealed class Waiting(BacklogItem item, int segment)
    {
        public BacklogItem Item { get; } = item;

        public int Segment { get; } = segment;
    }
}
