namespace Ciyuan.Storage.Tests.Postgres;

/// <summary>
/// A host whose wall clock is off by <paramref name="offset"/> (NTP broken, a VM resumed): the time
/// of day it reads is wrong, while its monotonic timestamps still measure durations correctly.
/// </summary>
internal sealed class SkewedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
