using Ciyuan.Core.Limits;

namespace Ciyuan.Storage.Tests.Limits;

/// <summary>
/// What every <see cref="ILimitCounters"/> must do, run once per implementation. Everything here
/// holds without controlling the clock, except lease expiry, which waits through
/// <see cref="PassAsync"/> (a fake clock in memory, a real short wait against Redis). Window sliding
/// and exact retry-after values need a clock a test can move, so they live in
/// <see cref="MemoryLimitCountersTests"/> only.
/// </summary>
public abstract class LimitCountersContract
{
    private const string Lease = "lease-1";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A lease lifetime short enough for a test to outlive.</summary>
    protected abstract TimeSpan ShortLeaseLifetime { get; }

    /// <summary>Counters no other test sees, with the given lease lifetime (default when null).</summary>
    protected abstract ValueTask<ILimitCounters> CreateAsync(TimeSpan? leaseLifetime = null);

    /// <summary>A second gateway instance sharing state with <paramref name="first"/>.</summary>
    protected abstract ValueTask<ILimitCounters> CreatePeerAsync(ILimitCounters first);

    /// <summary>Lets <paramref name="duration"/> pass for the counters.</summary>
    protected abstract Task PassAsync(TimeSpan duration);

    [Fact]
    public async Task TryAddAsync_UpToLimit_AllowsExactlyLimit()
    {
        var counters = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await AddAsync(counters, "key", 1, 5)).Allowed);
        }

        var refused = await AddAsync(counters, "key", 1, 5);

        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.RefusedIndex);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TryAddAsync_AmountAboveLimit_RefusedForWholeWindow()
    {
        var counters = await CreateAsync();

        var refused = await AddAsync(counters, "tokens", 11, 10);

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.RetryAfter);
        Assert.True((await AddAsync(counters, "tokens", 10, 10)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_SecondChargeOverLimit_AddsNothing()
    {
        var counters = await CreateAsync();

        var refused = await counters.TryAddAsync([new RateCharge("key", 1, 1), new RateCharge("project", 5, 3)], Ct);

        Assert.False(refused.Allowed);
        Assert.Equal(1, refused.RefusedIndex);
        Assert.True((await AddAsync(counters, "key", 1, 1)).Allowed);
        Assert.True((await AddAsync(counters, "project", 3, 3)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_AllCharges_AddsEachCounter()
    {
        var counters = await CreateAsync();

        var allowed = await counters.TryAddAsync([new RateCharge("key", 2, 2), new RateCharge("project", 3, 3)], Ct);

        Assert.True(allowed.Allowed);
        Assert.Equal(-1, allowed.RefusedIndex);
        Assert.Equal(0, (await AddAsync(counters, "key", 1, 2)).RefusedIndex);
        Assert.Equal(0, (await AddAsync(counters, "project", 1, 3)).RefusedIndex);
    }

    [Fact]
    public async Task TryAddAsync_SameCounterTwice_MustFitBoth()
    {
        var counters = await CreateAsync();

        var refused = await counters.TryAddAsync([new RateCharge("key", 3, 5), new RateCharge("key", 3, 5)], Ct);

        Assert.False(refused.Allowed);
        Assert.Equal(1, refused.RefusedIndex);
        Assert.True((await AddAsync(counters, "key", 5, 5)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_AmountsBeyondInt32_KeepsExactSums()
    {
        var counters = await CreateAsync();
        const long limit = 10_000_000_001;

        Assert.True((await AddAsync(counters, "tokens", 5_000_000_000, limit)).Allowed);
        Assert.True((await AddAsync(counters, "tokens", 5_000_000_000, limit)).Allowed);
        Assert.True((await AddAsync(counters, "tokens", 1, limit)).Allowed);
        Assert.False((await AddAsync(counters, "tokens", 1, limit)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_EmptyList_Allowed()
    {
        var counters = await CreateAsync();

        Assert.Equal(LimitDecision.Allow, await counters.TryAddAsync([], Ct));
    }

    [Fact]
    public async Task AdjustAsync_NegativeDelta_GivesRoomBack()
    {
        var counters = await CreateAsync();
        Assert.True((await AddAsync(counters, "tokens", 10, 10)).Allowed);

        await counters.AdjustAsync([new RateAdjustment("tokens", -4)], Ct);

        Assert.True((await AddAsync(counters, "tokens", 4, 10)).Allowed);
        Assert.False((await AddAsync(counters, "tokens", 1, 10)).Allowed);
    }

    [Fact]
    public async Task AdjustAsync_PositiveDelta_TakesRoom()
    {
        var counters = await CreateAsync();
        Assert.True((await AddAsync(counters, "tokens", 1, 10)).Allowed);

        await counters.AdjustAsync([new RateAdjustment("tokens", 8)], Ct);

        Assert.True((await AddAsync(counters, "tokens", 1, 10)).Allowed);
        Assert.False((await AddAsync(counters, "tokens", 1, 10)).Allowed);
    }

    [Fact]
    public async Task AdjustAsync_NegativeBeyondUsage_ClampsAtZero()
    {
        var counters = await CreateAsync();
        Assert.True((await AddAsync(counters, "tokens", 2, 10)).Allowed);

        await counters.AdjustAsync([new RateAdjustment("tokens", -100)], Ct);

        Assert.True((await AddAsync(counters, "tokens", 10, 10)).Allowed);
        Assert.False((await AddAsync(counters, "tokens", 1, 10)).Allowed);
    }

    [Fact]
    public async Task AdjustAsync_NegativeOnUnusedCounter_IsDropped()
    {
        var counters = await CreateAsync();

        await counters.AdjustAsync([new RateAdjustment("tokens", -5)], Ct);

        Assert.True((await AddAsync(counters, "tokens", 10, 10)).Allowed);
        Assert.False((await AddAsync(counters, "tokens", 1, 10)).Allowed);
    }

    [Fact]
    public async Task TryEnterAsync_UpToLimit_AllowsExactlyLimit()
    {
        var counters = await CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await EnterAsync(counters, "key", 3, "lease-" + i)).Allowed);
        }

        var refused = await EnterAsync(counters, "key", 3, "lease-3");

        Assert.False(refused.Allowed);
        Assert.Equal(0, refused.RefusedIndex);
        Assert.Equal(TimeSpan.Zero, refused.RetryAfter);
    }

    [Fact]
    public async Task ExitAsync_AfterEnter_FreesSlot()
    {
        var counters = await CreateAsync();
        Assert.True((await EnterAsync(counters, "key", 1, "lease-a")).Allowed);
        Assert.False((await EnterAsync(counters, "key", 1, "lease-b")).Allowed);

        await counters.ExitAsync([new ConcurrencySlot("key", 1)], "lease-a", Ct);

        Assert.True((await EnterAsync(counters, "key", 1, "lease-b")).Allowed);
    }

    [Fact]
    public async Task ExitAsync_Twice_FreesOnlyOneSlot()
    {
        var counters = await CreateAsync();
        Assert.True((await EnterAsync(counters, "key", 2, "lease-a")).Allowed);
        Assert.True((await EnterAsync(counters, "key", 2, "lease-b")).Allowed);

        await counters.ExitAsync([new ConcurrencySlot("key", 2)], "lease-a", Ct);
        await counters.ExitAsync([new ConcurrencySlot("key", 2)], "lease-a", Ct);

        Assert.True((await EnterAsync(counters, "key", 2, "lease-c")).Allowed);
        Assert.False((await EnterAsync(counters, "key", 2, "lease-d")).Allowed);
    }

    [Fact]
    public async Task ExitAsync_UnknownLease_IsHarmless()
    {
        var counters = await CreateAsync();

        await counters.ExitAsync([new ConcurrencySlot("key", 1)], "never-entered", Ct);

        Assert.True((await EnterAsync(counters, "key", 1, Lease)).Allowed);
    }

    [Fact]
    public async Task TryEnterAsync_SecondCounterFull_TakesNone()
    {
        var counters = await CreateAsync();
        Assert.True((await EnterAsync(counters, "deployment", 1, "other")).Allowed);

        var refused = await counters.TryEnterAsync([new ConcurrencySlot("key", 1), new ConcurrencySlot("deployment", 1)], Lease, Ct);

        Assert.False(refused.Allowed);
        Assert.Equal(1, refused.RefusedIndex);
        Assert.True((await EnterAsync(counters, "key", 1, "third")).Allowed);
    }

    [Fact]
    public async Task TryEnterAsync_SameLeaseAgain_TakesOneSlot()
    {
        var counters = await CreateAsync();
        Assert.True((await EnterAsync(counters, "key", 2, Lease)).Allowed);

        Assert.True((await EnterAsync(counters, "key", 2, Lease)).Allowed);

        Assert.True((await EnterAsync(counters, "key", 2, "other")).Allowed);
        Assert.False((await EnterAsync(counters, "key", 2, "third")).Allowed);
    }

    [Fact]
    public async Task TryEnterAsync_LeaseNeverReturned_StopsCountingAfterLifetime()
    {
        var counters = await CreateAsync(ShortLeaseLifetime);
        Assert.True((await EnterAsync(counters, "key", 1, "crashed")).Allowed);
        Assert.False((await EnterAsync(counters, "key", 1, Lease)).Allowed);

        await PassAsync(ShortLeaseLifetime + TimeSpan.FromMilliseconds(250));

        Assert.True((await EnterAsync(counters, "key", 1, Lease)).Allowed);
    }

    [Fact]
    public async Task TryAddAsync_ManyParallelCallsFromTwoInstances_AllowsExactlyLimit()
    {
        var first = await CreateAsync();
        var second = await CreatePeerAsync(first);
        var allowed = 0;

        var calls = Enumerable.Range(0, 2_000).Select(i => Task.Run(async () =>
        {
            var counters = i % 2 == 0 ? first : second;
            var decision = await counters.TryAddAsync([new RateCharge("shared", 1, 500)], Ct);
            if (decision.Allowed)
            {
                Interlocked.Increment(ref allowed);
            }
        }, Ct));
        await Task.WhenAll(calls);

        Assert.Equal(500, allowed);
    }

    [Fact]
    public async Task TryEnterAsync_ManyParallelLeasesFromTwoInstances_AllowsExactlyLimit()
    {
        var first = await CreateAsync();
        var second = await CreatePeerAsync(first);
        var allowed = 0;

        var calls = Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            var counters = i % 2 == 0 ? first : second;
            var decision = await counters.TryEnterAsync([new ConcurrencySlot("deployment", 60), new ConcurrencySlot("key", 50)], "lease-" + i, Ct);
            if (decision.Allowed)
            {
                Interlocked.Increment(ref allowed);
            }
        }, Ct));
        await Task.WhenAll(calls);

        // Refused calls passed the deployment check first; none of them may have kept that slot.
        Assert.Equal(50, allowed);
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await EnterAsync(first, "deployment", 60, "late-" + i)).Allowed);
        }

        Assert.False((await EnterAsync(first, "deployment", 60, "one-too-many")).Allowed);
    }

    private static ValueTask<LimitDecision> AddAsync(ILimitCounters counters, string counter, long amount, long limit) =>
        counters.TryAddAsync([new RateCharge(counter, amount, limit)], Ct);

    private static ValueTask<LimitDecision> EnterAsync(ILimitCounters counters, string counter, int limit, string leaseId) =>
        counters.TryEnterAsync([new ConcurrencySlot(counter, limit)], leaseId, Ct);
}
