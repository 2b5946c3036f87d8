using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Budgets.Leases;

/// <summary>
/// One instance's slices of shared budget lines, in memory: the database's last word on each lease
/// (<see cref="LeaseRow"/>) plus the holds this instance granted that the database has not seen yet
/// (<c>pending</c>). A hold is granted here, under one lock, when every line it touches has that much
/// free in its slice — free being what the lease escrows minus its open holds, its unfolded spend and
/// the pending holds. The database checks the same sum again when the hold is written (the fence),
/// so a stale book can only be refused there, never overspend. Slices are sized from the spend rate
/// this instance saw on the line, and shrink to one request's worth as the line nears its cap.
/// </summary>
public sealed class LeaseBook(TimeProvider time, LeaseConfig config)
{
    /// <summary>With no spend rate seen yet, a slice covers this many holds of the size asked for.</summary>
    private const int StartingHolds = 4;

    private readonly Dictionary<SliceKey, Slice> _slices = [];
    private readonly Lock _gate = new();

    /// <summary>How many slices the book tracks (for diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slices.Count;
            }
        }
    }

    /// <summary>
    /// Grants <paramref name="hold"/> on every line or none. Granted amounts are pending until
    /// <see cref="Flushed"/> (the database took or refused them) or <see cref="Abandon"/>.
    /// <paramref name="firstAsk"/> says this is the request's first look: its amount counts towards
    /// the spend rate the slices are sized by whether it is granted now or has to wait — counting only
    /// what was granted would size a slice by what the last, too small, slice let through.
    /// </summary>
    public HoldDecision TryHold(BudgetHold hold, bool firstAsk = true)
    {
        ArgumentNullException.ThrowIfNull(hold);
        lock (_gate)
        {
            var now = time.GetTimestamp();
            List<(SliceKey, long)>? lacking = null;
            foreach (var (key, amount) in Amounts(hold))
            {
                var slice = GetOrAdd(key);
                if (firstAsk)
                {
                    slice.NoteDemand(amount, now, time);
                }

                if (!slice.UsableAt(now) || slice.Free < amount)
                {
                    (lacking ??= []).Add((key, amount));
                }
            }

            if (lacking is not null)
            {
                return new HoldDecision(false, lacking);
            }

            foreach (var (key, amount) in Amounts(hold))
            {
                var slice = _slices[key];
                slice.Pending += amount;
                slice.NoteHold(amount, now);
            }

            return HoldDecision.Grant;
        }
    }

    /// <summary>True when the slice is usable and has at least <paramref name="amount"/> free now.</summary>
    public bool HasRoom(SliceKey key, long amount)
    {
        lock (_gate)
        {
            return _slices.TryGetValue(key, out var slice) && slice.UsableAt(time.GetTimestamp()) && slice.Free >= amount;
        }
    }

    /// <summary>The hold never reached the database: its amounts stop being pending.</summary>
    public void Abandon(BudgetHold hold) => Flushed([hold], []);

    /// <summary>
    /// A batch the database committed: the holds it carried (taken or refused) stop being pending,
    /// and the lease rows it wrote replace older snapshots — in one step, so no hold is counted
    /// twice or not at all in between.
    /// </summary>
    public void Flushed(IEnumerable<BudgetHold> holds, IEnumerable<LeaseRow> rows)
    {
        ArgumentNullException.ThrowIfNull(holds);
        ArgumentNullException.ThrowIfNull(rows);
        lock (_gate)
        {
            foreach (var hold in holds)
            {
                foreach (var (key, amount) in Amounts(hold))
                {
                    if (_slices.TryGetValue(key, out var slice))
                    {
                        slice.Pending = Math.Max(0, slice.Pending - amount);
                    }
                }
            }

            foreach (var row in rows)
            {
                ApplyLocked(row, renewalStarted: null);
            }
        }
    }

    /// <summary>A renewal's answer; <paramref name="startedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>) is when it was asked for.</summary>
    public void Renewed(LeaseRow row, long startedAt)
    {
        ArgumentNullException.ThrowIfNull(row);
        lock (_gate)
        {
            ApplyLocked(row, startedAt);
        }
    }

    /// <summary>The database refused a hold on this slice (another instance reclaimed part of it): it must be renewed before the next hold.</summary>
    public void Invalidate(SliceKey key)
    {
        lock (_gate)
        {
            if (_slices.TryGetValue(key, out var slice))
            {
                slice.ExpiresAt = 0;
            }
        }
    }

    /// <summary>
    /// What to ask the database for on this slice: the free amount it should escrow after the call
    /// (<c>Want</c>) and the least that lets the waiting request through (<c>Need</c>), both counting the
    /// holds still pending. The want covers <see cref="LeaseConfig.SliceSeconds"/> of the spend rate seen
    /// here (a few holds' worth before any rate is known), never more than <see cref="LeaseConfig.MaxShare"/>
    /// of what the line had left at the last renewal, and never less than the need.
    /// </summary>
    public (long Want, long Need) Ask(SliceKey key, long need)
    {
        lock (_gate)
        {
            var slice = GetOrAdd(key);
            var now = time.GetTimestamp();
            var rate = slice.RatePerSecond(now, time);
            var target = rate > 0 ? Saturating(rate * config.SliceSeconds.TotalSeconds) : Saturating((double)need * StartingHolds);
            target = Math.Max(target, need);
            if (slice.KnowsRoom)
            {
                var ownFree = Math.Max(0, slice.Granted - slice.Held - slice.Spent - slice.Pending);
                var share = Saturating((double)config.MaxShare * (slice.Room + ownFree));
                target = Math.Min(target, Math.Max(share, need));
            }

            return (Saturating((double)target + slice.Pending), Saturating((double)need + slice.Pending));
        }
    }

    /// <summary>
    /// Slices worth renewing in the background: used since their last renewal and either past half
    /// their lease or with less than half a slice free.
    /// </summary>
    public IReadOnlyList<(SliceKey Key, long Need)> DueForRenewal()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var due = new List<(SliceKey, long)>();
            foreach (var (key, slice) in _slices)
            {
                if (slice.LastHoldAt <= slice.RenewedAt)
                {
                    continue;
                }

                var lowWater = Saturating(slice.RatePerSecond(now, time) * config.SliceSeconds.TotalSeconds / 2);
                if (now >= slice.RenewAfter || slice.Free < lowWater)
                {
                    due.Add((key, Math.Max(1, slice.LastAmount)));
                }
            }

            return due;
        }
    }

    /// <summary>Slices escrowing something that this instance has not used for half a lease: worth giving back.</summary>
    public IReadOnlyList<SliceKey> Idle()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var idleAfter = Ticks(config.Duration / 2);
            return _slices.Where(s => s.Value.Pending == 0 && s.Value.Granted > s.Value.Held && now - s.Value.LastActivity >= idleAfter)
                .Select(s => s.Key).ToList();
        }
    }

    /// <summary>Every slice that escrows anything (what a clean stop gives back).</summary>
    public IReadOnlyList<SliceKey> Held()
    {
        lock (_gate)
        {
            return _slices.Where(s => s.Value.Granted > 0).Select(s => s.Key).ToList();
        }
    }

    /// <summary>The database's view of a slice as this book knows it, with the holds pending on it.</summary>
    public (long Granted, long Held, long Spent, long Pending, long Free) Read(SliceKey key)
    {
        lock (_gate)
        {
            return _slices.TryGetValue(key, out var s) ? (s.Granted, s.Held, s.Spent, s.Pending, s.Free) : (0, 0, 0, 0, 0);
        }
    }

    /// <summary>What the last renewal said about the line around a slice.</summary>
    public (long Room, long OthersFree, long LineHeld) Line(SliceKey key)
    {
        lock (_gate)
        {
            return _slices.TryGetValue(key, out var s) ? (s.Room, s.OthersFree, s.LineHeld) : (0, 0, 0);
        }
    }

    private void ApplyLocked(LeaseRow row, long? renewalStarted)
    {
        var slice = GetOrAdd(row.Key);
        if (row.Version >= slice.Version)
        {
            slice.Version = row.Version;
            slice.Granted = row.Granted;
            slice.Held = row.Held;
            slice.Spent = row.Spent;
        }

        if (row.FromRenewal)
        {
            slice.Room = row.Room;
            slice.OthersFree = row.OthersFree;
            slice.LineHeld = row.LineHeld;
            slice.KnowsRoom = true;
        }

        if (renewalStarted is { } started)
        {
            // Measured from when the renewal was asked for: the database started its lease later,
            // so this side gives up the slice first whatever the two clocks read.
            slice.ExpiresAt = started + Ticks(config.Duration * 0.9);
            slice.RenewAfter = started + Ticks(config.Duration / 2);
            slice.RenewedAt = time.GetTimestamp();
            slice.LastActivity = slice.RenewedAt;
        }

        if (slice is { Granted: 0, Held: 0, Spent: 0, Pending: 0 } && renewalStarted is not null && slice.LastHoldAt <= slice.RenewedAt)
        {
            // Given back and unused: nothing to remember.
            _slices.Remove(row.Key);
        }
    }

    private Slice GetOrAdd(SliceKey key)
    {
        if (!_slices.TryGetValue(key, out var slice))
        {
            slice = new Slice();
            _slices[key] = slice;
        }

        return slice;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private static IEnumerable<(SliceKey Key, long Amount)> Amounts(BudgetHold hold)
    {
        foreach (var line in hold.Lines)
        {
            // A line the request costs nothing on (an unpriced model) needs no slice.
            if (line.Amount.Value > 0)
            {
                yield return (SliceKey.Of(line), line.Amount.Value);
            }
        }
    }

    private static long Saturating(double value) => value >= long.MaxValue / 2 ? long.MaxValue / 2 : value <= 0 ? 0 : (long)Math.Ceiling(value);

    private sealed class Slice
    {
        private long _windowStart;
        private long _windowAmount;
        private double _rate;

        public long Granted { get; set; }

        public long Held { get; set; }

        public long Spent { get; set; }

        public long Version { get; set; }

        public long Pending { get; set; }

        public long Room { get; set; }

        public long OthersFree { get; set; }

        public long LineHeld { get; set; }

        public bool KnowsRoom { get; set; }

        /// <summary>Timestamps (<see cref="TimeProvider.GetTimestamp"/>): after <see cref="ExpiresAt"/> the slice is not used until renewed.</summary>
        public long ExpiresAt { get; set; }

        public long RenewAfter { get; set; }

        public long RenewedAt { get; set; }

        public long LastHoldAt { get; set; }

        public long LastActivity { get; set; }

        public long LastAmount { get; set; }

        public long Free => Granted - Held - Spent - Pending;

        public bool UsableAt(long now) => Version > 0 && now < ExpiresAt;

        /// <summary>A hold granted from this slice.</summary>
        public void NoteHold(long amount, long now)
        {
            LastHoldAt = now;
            LastActivity = now;
            LastAmount = amount;
        }

        /// <summary>A request asked this slice for <paramref name="amount"/> (granted or not): the spend rate's sample.</summary>
        public void NoteDemand(long amount, long now, TimeProvider time)
        {
            LastActivity = now;
            if (_windowStart == 0)
            {
                _windowStart = now;
            }

            _windowAmount += amount;
            var elapsed = (now - _windowStart) / (double)time.TimestampFrequency;
            if (elapsed >= 0.25)
            {
                var sample = _windowAmount / elapsed;
                _rate = _rate == 0 ? sample : (_rate + sample) / 2;
                _windowStart = now;
                _windowAmount = 0;
            }
        }

        /// <summary>Spend per second seen here: the smoothed rate, or the current window's if that is higher (a burst).</summary>
        public double RatePerSecond(long now, TimeProvider time)
        {
            if (_windowStart == 0)
            {
                return 0;
            }

            var elapsed = Math.Max((now - _windowStart) / (double)time.TimestampFrequency, 0.05);
            return Math.Max(_rate, _windowAmount / elapsed);
        }
    }
}
