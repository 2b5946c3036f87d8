using System.Threading.RateLimiting;
using Ciyuan.Core.Keys;

namespace Ciyuan.Pipeline;

/// <summary>
/// Requests per minute per client key (<c>keys create --rpm N</c>), as a sliding window of six
/// ten-second segments, so a burst at a minute's edge cannot double the rate. Built on
/// System.Threading.RateLimiting; limiters are created on a key's first request and replenished
/// centrally. In-process: several gateway instances each allow the full rate (shared limits need Redis).
/// </summary>
internal sealed class KeyRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<ClientKey> _limiter = PartitionedRateLimiter.Create<ClientKey, string>(key =>
        key.RequestsPerMinute is { } rpm
            ? RateLimitPartition.GetSlidingWindowLimiter(key.Id, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = rpm,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(key.Id));

    /// <summary>True when the key may send a request now; otherwise how long to wait, when known.</summary>
    public bool TryAdmit(ClientKey key, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        if (key.RequestsPerMinute is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
