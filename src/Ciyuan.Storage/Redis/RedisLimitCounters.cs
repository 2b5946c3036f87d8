using Ciyuan.Core.Limits;
using StackExchange.Redis;

namespace Ciyuan.Storage.Redis;

/// <summary>
/// Rate and concurrency counters shared by every gateway instance pointed at one Redis (7 or
/// later, standalone or Sentinel). Each call is one Lua script, one round trip, applied all or none
/// on the server with the server's clock; see <see cref="RedisLimitScripts"/> for the key layout.
/// </summary>
public sealed class RedisLimitCounters : ILimitCounters, IAsyncDisposable
{
    public const string DefaultKeyPrefix = "ciyuan:";

    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly string _keyPrefix;
    private readonly long _leaseLifetimeMilliseconds;
    private readonly bool _ownsConnection;
    private readonly string? _password;

    /// <param name="connection">A connected multiplexer; the caller keeps ownership of it.</param>
    /// <param name="keyPrefix">Put before every key, so deployments and tests sharing a server stay apart.</param>
    /// <param name="leaseLifetime">How long a concurrency lease counts if never returned (default 10 minutes).</param>
    public RedisLimitCounters(IConnectionMultiplexer connection, string keyPrefix = DefaultKeyPrefix, TimeSpan? leaseLifetime = null)
        : this(connection, keyPrefix, leaseLifetime, ownsConnection: false, password: null)
    {
    }

    private RedisLimitCounters(IConnectionMultiplexer connection, string keyPrefix, TimeSpan? leaseLifetime, bool ownsConnection, string? password)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var lifetime = leaseLifetime ?? TimeSpan.FromMinutes(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromMilliseconds(1), nameof(leaseLifetime));
        _connection = connection;
        _database = connection.GetDatabase();
        _keyPrefix = keyPrefix;
        _leaseLifetimeMilliseconds = (long)lifetime.TotalMilliseconds;
        _ownsConnection = ownsConnection;
        _password = password;
    }

    /// <summary>
    /// Connects with a StackExchange.Redis connection string (<c>host:port,password=…</c>) and owns
    /// the connection: disposing the counters closes it. With <paramref name="requireServer"/> (the
    /// default) a Redis that cannot be reached now is an error; without it the counters are returned
    /// anyway, unconnected — every call fails at once until the connection, retried in the
    /// background, is up (the gateway starts while Redis is away and applies
    /// <c>storage.redis_unavailable</c> meanwhile, as it does when Redis goes away later).
    /// </summary>
    public static async Task<RedisLimitCounters> ConnectAsync(string connectionString, string keyPrefix = DefaultKeyPrefix, TimeSpan? leaseLifetime = null,
        bool requireServer = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);

            // While Redis is away a call fails at once (the caller decides what that means) instead
            // of waiting in the client's queue for a reconnect.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            if (!requireServer)
            {
                options.AbortOnConnectFail = false;
            }
        }
        catch (ArgumentException ex)
        {
            // The parser's message may quote the string it choked on, secrets included.
            throw new StorageException("The Redis connection string for limit counters is not valid: " + ex.GetType().Name + ".", ex);
        }

        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            try
            {
                await LoadScriptsAsync(connection).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return new RedisLimitCounters(connection, keyPrefix, leaseLifetime, ownsConnection: true, options.Password);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new StorageException(
                $"Could not connect to Redis at {string.Join(", ", options.EndPoints)} for limit counters: {Redact(ex.Message, options.Password)}", ex);
        }
    }

    /// <summary>True while the connection to Redis is up (it reconnects by itself after an outage).</summary>
    public bool IsConnected => _connection.IsConnected;

    public async ValueTask<LimitDecision> TryAddAsync(IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        cancellationToken.ThrowIfCancellationRequested();
        if (charges.Count == 0)
        {
            return LimitDecision.Allow;
        }

        var args = new RedisValue[1 + (3 * charges.Count)];
        args[0] = _keyPrefix;
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            ArgumentOutOfRangeException.ThrowIfNegative(charge.Amount, nameof(charges));
            args[1 + (3 * i)] = charge.Counter;
            args[2 + (3 * i)] = charge.Amount;
            args[3 + (3 * i)] = charge.LimitPerMinute;
        }

        var result = await EvaluateAsync(RedisLimitScripts.TryAdd, args, "add to rate counters").ConfigureAwait(false);
        return ToDecision(result, hasRetry: true);
    }

    public async ValueTask AdjustAsync(IReadOnlyList<RateAdjustment> adjustments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustments);
        cancellationToken.ThrowIfCancellationRequested();
        if (adjustments.Count == 0)
        {
            return;
        }

        var args = new RedisValue[1 + (2 * adjustments.Count)];
        args[0] = _keyPrefix;
        for (var i = 0; i < adjustments.Count; i++)
        {
            args[1 + (2 * i)] = adjustments[i].Counter;
            args[2 + (2 * i)] = adjustments[i].Delta;
        }

        await EvaluateAsync(RedisLimitScripts.Adjust, args, "adjust rate counters").ConfigureAwait(false);
    }

    public async ValueTask<LimitDecision> TryEnterAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        cancellationToken.ThrowIfCancellationRequested();
        if (slots.Count == 0)
        {
            return LimitDecision.Allow;
        }

        var args = new RedisValue[3 + (2 * slots.Count)];
        args[0] = _keyPrefix;
        args[1] = leaseId;
        args[2] = _leaseLifetimeMilliseconds;
        for (var i = 0; i < slots.Count; i++)
        {
            args[3 + (2 * i)] = slots[i].Counter;
            args[4 + (2 * i)] = slots[i].Limit;
        }

        var result = await EvaluateAsync(RedisLimitScripts.TryEnter, args, "enter concurrency counters").ConfigureAwait(false);
        return ToDecision(result, hasRetry: false);
    }

    public async ValueTask ExitAsync(IReadOnlyList<ConcurrencySlot> slots, string leaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        cancellationToken.ThrowIfCancellationRequested();
        if (slots.Count == 0)
        {
            return;
        }

        var args = new RedisValue[2 + slots.Count];
        args[0] = _keyPrefix;
        args[1] = leaseId;
        for (var i = 0; i < slots.Count; i++)
        {
            args[2 + i] = slots[i].Counter;
        }

        await EvaluateAsync(RedisLimitScripts.Exit, args, "exit concurrency counters").ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static LimitDecision ToDecision(RedisResult result, bool hasRetry)
    {
        var parts = (RedisResult[]?)result;
        if (parts is null || parts.Length == 0)
        {
            throw new StorageException("Redis limit counters: a script returned an unexpected reply.");
        }

        if ((long)parts[0] == 1)
        {
            return LimitDecision.Allow;
        }

        var retry = hasRetry ? TimeSpan.FromMilliseconds(Math.Max((long)parts[2], 1)) : TimeSpan.Zero;
        return LimitDecision.Refuse((int)(long)parts[1], retry);
    }

    // Loading up front lets the very first calls go out as EVALSHA; otherwise a burst at start-up
    // sends the whole script text with every call until the first reply teaches the client the hash.
    private static async Task LoadScriptsAsync(IConnectionMultiplexer connection)
    {
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }

            foreach (var script in (string[])[RedisLimitScripts.TryAdd, RedisLimitScripts.Adjust, RedisLimitScripts.TryEnter, RedisLimitScripts.Exit])
            {
                await server.ScriptLoadAsync(script).ConfigureAwait(false);
            }
        }
    }

    private static string Redact(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, "***", StringComparison.Ordinal);

    // Not cancellable once sent: abandoning a script that may already have applied its writes
    // would leave the caller believing a charge was not made when it was.
    private async Task<RedisResult> EvaluateAsync(string script, RedisValue[] args, string operation)
    {
        try
        {
            // The string overload sends EVALSHA once the client knows the script's hash (after a
            // SCRIPT LOAD, its own on first use) and resends it when the server answers NOSCRIPT
            // (after a restart or SCRIPT FLUSH); a test covers the latter.
            return await _database.ScriptEvaluateAsync(script, keys: null, values: args).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            throw new StorageException($"Redis limit counters could not {operation}: {Redact(ex.Message, _password)}", ex);
        }
    }
}
