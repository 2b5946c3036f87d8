using Ciyuan.Core.Limits;
using Ciyuan.Testing;

namespace Ciyuan.Storage.Tests.Limits;

/// <summary>
/// The contract against the in-process counters, plus what needs a clock a test can move: the
/// window sliding, exact retry-after values, lease expiry to the millisecond and the sweep.
/// </summary>
public sealed class MemoryLimitCountersTests : LimitCountersContract
{
    // 00:00:00 starts a ten-second segment; the tests start five seconds into it.
    private static readonly DateTimeOffset SegmentStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(SegmentStart.AddSeconds(5));

    protected override TimeSpan ShortLeaseLifetime => TimeSpan.FromSeconds(1);

    protected override ValueTask<ILimitCounters> CreateAsync(TimeSpan? leaseLifetime = null) =>
        ValueTask.FromResult<ILimitCounters>(new MemoryLimitCounters(_clock, leaseLifetime));

    // One process has one store: the "second instance" is the same object.
    protected override ValueTask<ILimitCounters> CreatePeerAsync(ILimitCounters first) => ValueTask.FromResult(first);

    protected override Task PassAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TryAddAsync_AfterSixtySeconds_WindowSlides()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 10)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);

        _clock.Advance(TimeSpan.FromSeconds(60));

        Assert.True((await AddAsync(counters, 10)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_AcrossSegments_CountsOnlyLastMinute()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 5)).Allowed);   // segment 0 (t = 5 s)
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await AddAsync(counters, 5)).Allowed);   // segment 3 (t = 35 s)

        _clock.Advance(TimeSpan.FromSeconds(30));             // t = 65 s: segment 0 has left

        Assert.True((await AddAsync(counters, 5)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_Refused_RetryAfterIsWhenOldestSegmentLeaves()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 6)).Allowed);   // segment 0, leaves at t = 60 s
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await AddAsync(counters, 4)).Allowed);   // t = 25 s

        var refused = await AddAsync(counters, 1);

        Assert.Equal(TimeSpan.FromSeconds(35), refused.RetryAfter);
        _clock.Advance(refused.RetryAfter - TimeSpan.FromMilliseconds(1));
        Assert.False((await AddAsync(counters, 1)).Allowed);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await AddAsync(counters, 6)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_NeedsSeveralSegmentsToLeave_RetryAfterWaitsForAll()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 3)).Allowed);   // segment 0 (t = 5 s)
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await AddAsync(counters, 3)).Allowed);   // segment 1 (t = 15 s), leaves at t = 70 s
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await AddAsync(counters, 4)).Allowed);   // segment 2 (t = 25 s)

        var refused = await AddAsync(counters, 5);

        Assert.Equal(TimeSpan.FromSeconds(45), refused.RetryAfter);
    }

    [Fact]
    public async Task AdjustAsync_AfterChargeLeftWindow_GiveBackIsDropped()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 10)).Allowed);
        _clock.Advance(TimeSpan.FromSeconds(70));

        await counters.AdjustAsync([new RateAdjustment("tokens", -10)], Ct);

        Assert.True((await AddAsync(counters, 10)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_WindowBelowZeroAfterSliding_DebtIsNotCarried()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await AddAsync(counters, 10)).Allowed);  // segment 0
        _clock.Advance(TimeSpan.FromSeconds(30));
        await counters.AdjustAsync([new RateAdjustment("tokens", -8)], Ct);   // segment 3: -8
        _clock.Advance(TimeSpan.FromSeconds(30));              // segment 0 gone: the window sums to -8

        Assert.True((await AddAsync(counters, 10)).Allowed);
        Assert.False((await AddAsync(counters, 1)).Allowed);
    }

    [Fact]
    public async Task TryEnterAsync_DefaultLifetime_LeaseCountsForTenMinutes()
    {
        var counters = new MemoryLimitCounters(_clock);
        Assert.True((await counters.TryEnterAsync([new ConcurrencySlot("key", 1)], "crashed", Ct)).Allowed);

        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.False((await counters.TryEnterAsync([new ConcurrencySlot("key", 1)], "next", Ct)).Allowed);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True((await counters.TryEnterAsync([new ConcurrencySlot("key", 1)], "next", Ct)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_CountersUnusedForTwoMinutes_AreDropped()
    {
        var counters = new MemoryLimitCounters(_clock, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 100; i++)
        {
            var name = "counter-" + i;
            await counters.TryAddAsync([new RateCharge(name, 1, 10)], Ct);
            await counters.TryEnterAsync([new ConcurrencySlot(name, 1)], "lease", Ct);
        }

        Assert.Equal(200, counters.TrackedCounters);

        _clock.Advance(TimeSpan.FromMinutes(2));
        await counters.TryAddAsync([new RateCharge("fresh", 1, 10)], Ct);
        await counters.TryEnterAsync([new ConcurrencySlot("fresh", 1)], "lease", Ct);

        Assert.Equal(2, counters.TrackedCounters);
    }

    private static ValueTask<LimitDecision> AddAsync(MemoryLimitCounters counters, long amount) =>
        counters.TryAddAsync([new RateCharge("tokens", amount, 10)], Ct);
}
