using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;
using Ciyuan.Storage.Redis;

namespace Ciyuan.Gateway.Setup;

/// <summary>
/// Rate and concurrency counters: in this process, or in Redis (<c>storage.redis</c>) when several
/// instances share limits — guarded by what to do while Redis is away (<c>storage.redis_unavailable</c>).
/// A Redis that is away when the gateway starts does not stop it: the policy applies from the first
/// request, <c>/readyz</c> reports the store unreachable, and Redis is used as soon as it answers.
/// </summary>
internal static class LimitCountersFactory
{
    public static async Task<ILimitCounters> OpenAsync(StorageConfig storage, TimeProvider time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return storage.RedisConnectionString is { } redis
            ? new GuardedLimitCounters(await RedisLimitCounters.ConnectAsync(redis, requireServer: false).ConfigureAwait(false), storage.RedisUnavailable, new MemoryLimitCounters(time), time)
            : new MemoryLimitCounters(time);
    }
}
