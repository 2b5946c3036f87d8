namespace Ciyuan.Storage.Redis;

/// <summary>
/// The Lua behind <see cref="RedisLimitCounters"/>: one script per operation, so each call is one
/// round trip and Redis runs the check and the writes without anything in between. Every script
/// reads the clock with <c>TIME</c> so instances with skewed clocks agree on segments and expiry.
/// Keys are built inside the scripts (they depend on that clock), which standalone and Sentinel
/// Redis allow and Redis Cluster does not.
/// </summary>
/// <remarks>
/// Layout, with the configurable prefix (default <c>ciyuan:</c>):
/// <c>{prefix}rl:{counter}:{segment}</c> — a ten-second segment of a per-minute counter, segment =
/// floor(unix seconds / 10), expiring 70 s after its last write (its 60 s in the window plus slack);
/// <c>{prefix}cc:{counter}</c> — a sorted set of concurrency lease ids scored by expiry (unix ms).
/// </remarks>
internal static class RedisLimitScripts
{
    /// <summary>
    /// ARGV: prefix, then (counter, amount, limit) per charge. Returns {1} when all were added,
    /// or {0, index, retryAfterMs} for the first charge that did not fit (nothing added).
    /// </summary>
    public const string TryAdd = """
        local clock = redis.call('TIME')
        local seconds = tonumber(clock[1])
        local now_ms = seconds * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local segment = math.floor(seconds / 10)
        local prefix = ARGV[1]
        local count = (#ARGV - 1) / 3
        local wanted = {}
        local sums = {}
        for i = 0, count - 1 do
          local counter = ARGV[2 + 3 * i]
          local limit = tonumber(ARGV[4 + 3 * i])
          -- The same counter may appear twice in one call; it must fit both amounts at once.
          wanted[counter] = (wanted[counter] or 0) + tonumber(ARGV[3 + 3 * i])
          local amount = wanted[counter]
          local keys = {}
          for s = 0, 5 do
            keys[s + 1] = prefix .. 'rl:' .. counter .. ':' .. string.format('%d', segment - 5 + s)
          end
          local values = redis.call('MGET', unpack(keys))
          local sum = 0
          for s = 1, 6 do
            sum = sum + (tonumber(values[s]) or 0)
          end
          sums[counter] = sums[counter] or sum
          if math.max(sum, 0) + amount > limit then
            local retry_ms = 60000
            if amount <= limit then
              local remaining = sum
              for s = 1, 6 do
                remaining = remaining - (tonumber(values[s]) or 0)
                if math.max(remaining, 0) + amount <= limit then
                  -- Segment (segment - 6 + s) leaves the window when the one six later begins.
                  retry_ms = (segment + s) * 10000 - now_ms
                  break
                end
              end
            end
            return {0, i, retry_ms}
          end
        end
        local current = string.format('%d', segment)
        for i = 0, count - 1 do
          local counter = ARGV[2 + 3 * i]
          local key = prefix .. 'rl:' .. counter .. ':' .. current
          -- A window below zero (give-backs whose charges have since slid out) is forgiven here
          -- rather than left to absorb new charges beyond the limit.
          local amount = tonumber(ARGV[3 + 3 * i]) + math.max(-sums[counter], 0)
          sums[counter] = 0
          redis.call('INCRBY', key, string.format('%d', amount))
          redis.call('PEXPIRE', key, 70000)
        end
        return {1}
        """;

    /// <summary>
    /// ARGV: prefix, then (counter, delta) per adjustment. A negative delta never takes the window
    /// below zero: the rest corrects charges that have already slid out.
    /// </summary>
    public const string Adjust = """
        local clock = redis.call('TIME')
        local segment = math.floor(tonumber(clock[1]) / 10)
        local prefix = ARGV[1]
        local current = string.format('%d', segment)
        for i = 2, #ARGV, 2 do
          local base = prefix .. 'rl:' .. ARGV[i] .. ':'
          local delta = tonumber(ARGV[i + 1])
          if delta < 0 then
            local keys = {}
            for s = 0, 5 do
              keys[s + 1] = base .. string.format('%d', segment - 5 + s)
            end
            local values = redis.call('MGET', unpack(keys))
            local sum = 0
            for s = 1, 6 do
              sum = sum + (tonumber(values[s]) or 0)
            end
            delta = math.max(delta, -math.max(sum, 0))
          end
          if delta ~= 0 then
            redis.call('INCRBY', base .. current, string.format('%d', delta))
            redis.call('PEXPIRE', base .. current, 70000)
          end
        end
        return 1
        """;

    /// <summary>
    /// ARGV: prefix, lease id, lease lifetime ms, then (counter, limit) per slot. Returns {1} when
    /// the lease now holds every slot, or {0, index} for the first counter that was full.
    /// </summary>
    public const string TryEnter = """
        local clock = redis.call('TIME')
        local now_ms = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local prefix = ARGV[1]
        local lease = ARGV[2]
        local lifetime_ms = tonumber(ARGV[3])
        local index = 0
        for i = 4, #ARGV, 2 do
          local key = prefix .. 'cc:' .. ARGV[i]
          local limit = tonumber(ARGV[i + 1])
          redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', now_ms))
          -- Re-entering with a lease already held takes no second slot.
          if limit <= 0 or (not redis.call('ZSCORE', key, lease) and redis.call('ZCARD', key) >= limit) then
            return {0, index}
          end
          index = index + 1
        end
        local expires = string.format('%d', now_ms + lifetime_ms)
        for i = 4, #ARGV, 2 do
          local key = prefix .. 'cc:' .. ARGV[i]
          redis.call('ZADD', key, expires, lease)
          -- Every member expires within one lifetime, so the set can too once nobody renews it.
          redis.call('PEXPIRE', key, lifetime_ms)
        end
        return {1}
        """;

    /// <summary>ARGV: prefix, lease id, then the counters. Removing an absent member is a no-op.</summary>
    public const string Exit = """
        local prefix = ARGV[1]
        local lease = ARGV[2]
        for i = 3, #ARGV do
          redis.call('ZREM', prefix .. 'cc:' .. ARGV[i], lease)
        end
        return 1
        """;
}
