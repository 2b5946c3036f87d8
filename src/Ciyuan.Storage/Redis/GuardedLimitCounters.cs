using System.Collections.Concurrent;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Limits;

namespace Ciyuan.Storage.Redis;

/// <summary>
/// The shared (Redis) limit counters with what to do while Redis cannot be reached:
/// <see cref="RedisUnavailableMode.FailClosed"/> refuses every request a shared limit applies to
/// (<see cref="LimitsUnavailableException"/>, a 503), <see cref="RedisUnavailableMode.FailOpenLocal"/>
/// counts in this instance's memory instead. Either way the state is reported (<see cref="Available"/>,
/// <see cref="UnavailableSince"/>) and Redis is used again as soon as its connection is back.
/// Returning a concurrency slot and correcting a token count never fail a request: a slot taken in
/// Redis and not returned expires with its lease.
/// </summary>
public sealed class GuardedLimitCounters(RedisLimitCounters shared, RedisUnavailableMode mode, ILimitCounters local, TimeProvider time) : ILimitCounters, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte> _localLeases = new(StringComparer.Ordinal);
    private long _unavailableSinceTicks;

    public RedisUnavailableMode Mode => mode;

    /// <summary>False from the first failed call until Redis answers again.</summary>
    public bool Available => Interlocked.Read(ref _unavailableSinceTicks) == 0 && shared.IsConnected;

    public DateTimeOffset? UnavailableSince => Interlocked.Read(ref _unavailableSinceTicks) is var ticks and not 0
        ? new DateTimeOffset(ticks, TimeSpan.Zero)
        : shared.IsConnected ? null : time.GetUtcNow();

    public async ValueTask<LimitDecision> TryAddAsync(IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken)
    {
        if (UseShared())
        {
            try
            {
                var decision = await shared.TryAddAsync(charges, cancellationToken).ConfigureAwait(false);
                MarkAvailable();
                return decision;
            }
            catch (StorageException ex)
            {
                MarkUnavailable(ex);
            }
        }

        return await local.TryAddAsync(charges, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask AdjustAsync(IReadOnlyList<RateAdjustment> adjustments, CancellationToken cancellationToken)
    {
        if (Available)
        {
            try
            {
                await shared.AdjustAsync(adjustments, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageException ex)
            {
                MarkUnavailable(ex, refuse: false);
            }
        }

        if (mode == RedisUnavailableMode.FailOpenLocal)
        {
            await local.AdjustAsync(adjustments, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<LimitDecision> TryEnterAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        if (UseShared())
        {
            try
            {
                var decision = await shared.TryEnterAsync(slots, leaseId, cancellationToken).ConfigureAwait(false);
                MarkAvailable();
                return decision;
            }
            catch (StorageException ex)
            {
                MarkUnavailable(ex);
            }
        }

        var entered = await local.TryEnterAsync(slots, leaseId, cancellationToken).ConfigureAwait(false);
        if (entered.Allowed)
        {
            _localLeases[leaseId] = 0;
        }

        return entered;
    }

    public async ValueTask ExitAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        if (_localLeases.TryRemove(leaseId, out _))
        {
            await local.ExitAsync(slots, leaseId, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await shared.ExitAsync(slots, leaseId, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            // The slot expires in Redis with its lease; the request itself is over.
            MarkUnavailable(ex, refuse: false);
        }
    }

    public ValueTask DisposeAsync() => shared.DisposeAsync();

    /// <summary>Whether to ask Redis; when not, fail closed here or fall through to the local counters.</summary>
    private bool UseShared()
    {
        if (shared.IsConnected)
        {
            return true;
        }

        MarkUnavailable(null);
        return false;
    }

    private void MarkAvailable() => Interlocked.Exchange(ref _unavailableSinceTicks, 0);

    private void MarkUnavailable(Exception? cause, bool refuse = true)
    {
        Interlocked.CompareExchange(ref _unavailableSinceTicks, time.GetUtcNow().UtcTicks, 0);
        if (refuse && mode == RedisUnavailableMode.FailClosed)
        {
            var message = "The gateway's shared limit store (Redis) cannot be reached, so limits cannot be checked and the request was not sent " +
                "(storage.redis_unavailable: fail_closed); retry shortly.";
            throw cause is null ? new LimitsUnavailableException(message) : new LimitsUnavailableException(message, cause);
        }
    }
}
