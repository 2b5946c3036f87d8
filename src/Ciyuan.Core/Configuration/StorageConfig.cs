namespace Ciyuan.Core.Configuration;

/// <summary>Where the ledger, keys and budgets live, and where shared rate-limit counters live.</summary>
public sealed record StorageConfig
{
    /// <summary>SQLite file; relative paths are under the data directory.</summary>
    public string SqlitePath { get; init; } = "ciyuan.db";

    /// <summary>
    /// When true, every group commit is flushed to disk (survives power loss); otherwise a commit
    /// is written to the OS before a response finishes (survives the process being killed).
    /// </summary>
    public bool SyncToDisk { get; init; }

    /// <summary>A PostgreSQL connection string (Npgsql syntax); when set, it replaces SQLite and several instances may share it.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>A Redis connection string (StackExchange.Redis syntax); when set, rate and concurrency limits are shared through it.</summary>
    public string? RedisConnectionString { get; init; }

    /// <summary>Days a request's own ledger line is kept; rollups (and so reports and budgets) outlive it. Null keeps everything.</summary>
    public int? RetentionDays { get; init; }

    /// <summary>Days a stored Responses answer (<c>store: true</c>) and its input items are kept; older ones are deleted.</summary>
    public int ResponsesRetentionDays { get; init; } = 30;

    /// <summary>
    /// With PostgreSQL: how long an instance may miss heartbeats before its open holds are taken for
    /// a dead instance's and counted in doubt. Shorter finds them sooner; it must stay well above a
    /// live instance's pauses (it beats every third of this, at most every 5 s).
    /// </summary>
    public TimeSpan OrphanAfter { get; init; } = TimeSpan.FromSeconds(30);

    public static StorageConfig Default { get; } = new();
}
