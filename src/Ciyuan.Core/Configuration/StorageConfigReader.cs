using System.Globalization;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// Reads <c>storage:</c> — where the ledger, keys and budgets live (SQLite or PostgreSQL), the shared
/// Redis for limits, and how several instances share them (orphan detection, budget leases, what to do
/// while Redis is away). Every error names the field.
/// </summary>
internal static class StorageConfigReader
{
    public static StorageConfig Read(ConfigMapping? node, Func<string, string, string> resolveSecret)
    {
        if (node is null)
        {
            return StorageConfig.Default;
        }

        var storage = StorageConfig.Default;
        if (node.OptionalMapping("sqlite") is { } sqlite)
        {
            storage = storage with
            {
                SqlitePath = sqlite.OptionalString("path") ?? storage.SqlitePath,
                SyncToDisk = sqlite.OptionalBool("sync_to_disk") ?? storage.SyncToDisk,
            };
            sqlite.RejectUnknownKeys();
        }

        storage = storage with
        {
            PostgresConnectionString = node.OptionalString("postgres") is { } postgres ? resolveSecret(node.Join("postgres"), postgres) : null,
            RedisConnectionString = node.OptionalString("redis") is { } redis ? resolveSecret(node.Join("redis"), redis) : null,
            RetentionDays = (int?)node.OptionalInteger("retention_days", 1, 100_000),
            ResponsesRetentionDays = (int?)node.OptionalInteger("responses_retention_days", 1, 100_000) ?? storage.ResponsesRetentionDays,
            OrphanAfter = node.OptionalInteger("orphan_after_seconds", 2, 86_400) is { } orphan ? TimeSpan.FromSeconds(orphan) : storage.OrphanAfter,
            Leases = ReadLeases(node.OptionalMapping("leases")),
            RedisUnavailable = ReadRedisUnavailable(node),
        };

        node.RejectUnknownKeys();
        return storage;
    }

    private static LeaseConfig ReadLeases(ConfigMapping? node)
    {
        if (node is null)
        {
            return LeaseConfig.Default;
        }

        var leases = LeaseConfig.Default;
        var seconds = node.OptionalInteger("seconds", 2, 3_600);
        var slice = node.OptionalDecimal("slice_seconds", 0.05m);
        var share = node.OptionalDecimal("max_share", 0.001m);
        node.RejectUnknownKeys();

        leases = leases with
        {
            Duration = seconds is { } s ? TimeSpan.FromSeconds(s) : leases.Duration,
            SliceSeconds = slice is { } sl ? TimeSpan.FromSeconds((double)sl) : leases.SliceSeconds,
            MaxShare = share ?? leases.MaxShare,
        };
        if (leases.MaxShare > 1m)
        {
            throw new ConfigException(node.Join("max_share"), $"is a share of a line's remainder and must be at most 1, got {leases.MaxShare.ToString(CultureInfo.InvariantCulture)}");
        }

        if (leases.SliceSeconds > leases.Duration)
        {
            throw new ConfigException(node.Join("slice_seconds"),
                $"must not exceed leases.seconds ({leases.Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}): a slice sized for longer than it is kept would expire unused");
        }

        return leases;
    }

    private static RedisUnavailableMode ReadRedisUnavailable(ConfigMapping node) => node.OptionalString("redis_unavailable") switch
    {
        null or "fail_closed" => RedisUnavailableMode.FailClosed,
        "fail_open_local" => RedisUnavailableMode.FailOpenLocal,
        var other => throw new ConfigException(node.Join("redis_unavailable"), $"expected fail_closed or fail_open_local, got '{other}'"),
    };
}
