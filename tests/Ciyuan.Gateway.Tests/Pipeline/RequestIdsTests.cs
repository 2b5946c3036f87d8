using Ciyuan.Gateway.Pipeline;

namespace Ciyuan.Gateway.Tests.Pipeline;

public sealed class RequestIdsTests
{
    [Fact]
    public void New_IsAVersion7UuidCarryingItsMillisecond()
    {
        var at = new DateTimeOffset(2026, 12, 8, 1, 2, 3, 456, TimeSpan.Zero);

        var id = RequestIds.New(at);

        Assert.Matches("^req_[0-9a-f]{32}$", id);
        var uuid = Guid.ParseExact(id[4..], "N");
        Assert.Equal(7, uuid.Version);
        Assert.Equal(0b10, (uuid.ToByteArray(bigEndian: true)[8] >> 6));
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(id[4..16], 16));
    }

    [Fact]
    public void New_ManyOnSeveralThreadsInOneMillisecond_AllDistinct()
    {
        // Far more ids than one refill of a thread's random bytes, all in the same millisecond, so only
        // the random part can tell them apart.
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(RequestIds.New(at));
            }
        });

        Assert.Equal(20_000, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void New_LaterMillisecond_SortsAfter()
    {
        var first = RequestIds.New(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var second = RequestIds.New(DateTimeOffset.UnixEpoch.AddDays(20_000).AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(first, second) < 0);
    }
}
