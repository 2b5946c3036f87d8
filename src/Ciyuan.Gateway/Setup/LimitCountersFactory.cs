using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Storage.Redis;

namespace Ciyuan.Gateway.Setup;

/// <summary>
/// Rate and concurrency counters: in this process, or in Redis (<c>storage.redis</c>) when several
/// instances share limits — guarded by what to do while Redis is away (<c>storage.redis_unavailable</c>).
/// </summary>
internal static class LimitCountersFactory
{
    public static async Task<ILimitCounters> OpenAsync(StorageConfig storage, TimeProvider time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return storage.RedisConnectionString is { } redis
            ? new GuardedLimitCounters(await RedisLimitCounters.ConnectAsync(redis).ConfigureAwait(false), storage.RedisUnavailable, new MemoryLimitCounters(time), time)
            : new MemoryLimitCounters(time);
    }
}
