using Ciyuan.Core.Routing;

namespace Ciyuan.Core.Tests.Routing;

public sealed class KeyPoolTests
{
    [Fact]
    public void TryLease_SameAffinityKey_PicksSameKey()
    {
        var pool = NewPool(maxInFlight: 0);

        for (ulong prefix = 1; prefix < 50; prefix++)
        {
            Assert.True(pool.TryLease(prefix, out var first));
            Assert.True(pool.TryLease(prefix, out var second));
            Assert.Same(first, second);
        }
    }

    [Fact]
    public void TryLease_DifferentAffinityKeys_SpreadOverKeys()
    {
        var pool = NewPool(maxInFlight: 0);
        var used = new HashSet<string>();

        for (ulong prefix = 1; prefix < 200; prefix++)
        {
            Assert.True(pool.TryLease(prefix * 7919, out var key));
            used.Add(key!.Id);
        }

        Assert.Equal(3, used.Count);
    }

    [Fact]
    public void TryLease_AffineKeyFull_MovesToAnotherThenBack()
    {
        var pool = NewPool(maxInFlight: 1);
        Assert.True(pool.TryLease(42, out var affine));

        Assert.True(pool.TryLease(42, out var overflow));
        Assert.NotSame(affine, overflow);

        KeyPool.Release(affine!);
        Assert.True(pool.TryLease(42, out var again));
        Assert.Same(affine, again);
    }

    [Fact]
    public void TryLease_AllKeysFull_Refuses()
    {
        var pool = NewPool(maxInFlight: 1);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(pool.TryLease(9, out _));
        }

        Assert.False(pool.HasCapacity);
        Assert.False(pool.TryLease(9, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void ToString_NeverShowsSecret()
    {
        var key = new PooledKey("deepseek#1", "sk-secret");

        Assert.DoesNotContain("sk-secret", key.ToString(), StringComparison.Ordinal);
    }

    private static KeyPool NewPool(int maxInFlight) =>
        new([new PooledKey("k#1", "s1", maxInFlight), new PooledKey("k#2", "s2", maxInFlight), new PooledKey("k#3", "s3", maxInFlight)]);
}
