namespace Ciyuan.Core.Configuration;

/// <summary>Where the ledger and keys live.</summary>
public sealed record StorageConfig
{
    /// <summary>SQLite file; relative paths are under the data directory.</summary>
    public string SqlitePath { get; init; } = "ciyuan.db";

    /// <summary>
    /// When true, every group commit is flushed to disk (survives power loss); otherwise a commit
    /// is written to the OS before a response finishes (survives the process being killed).
    /// </summary>
    public bool SyncToDisk { get; init; }

    public static StorageConfig Default { get; } = new();
}
