namespace Ciyuan.Testing;

/// <summary>
/// A clock whose wall time and monotonic timestamps both move only when a test advances them, so
/// code that measures durations with <see cref="TimeProvider.GetTimestamp"/> (lease expiry, spend
/// rates) sees exactly the time the test says passed. Timers still run on real time.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public SimulatedClock()
        : this(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
