namespace Ciyuan.Gateway.Reload;

/// <summary>What became of one reload: applied, nothing to apply, or refused (the old configuration stays).</summary>
internal sealed record ReloadOutcome
{
    public const string Applied = "reloaded";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";

    /// <summary><see cref="Applied"/>, <see cref="Unchanged"/> or <see cref="Rejected"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The generation serving new requests after this reload.</summary>
    public required long Generation { get; init; }

    /// <summary>What asked for it: <c>file</c> (the watcher), <c>signal</c> (SIGHUP) or <c>api</c>.</summary>
    public required string Trigger { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The config file read.</summary>
    public string? File { get; init; }

    /// <summary>Why it was refused, starting with the offending field's path.</summary>
    public string? Error { get; init; }

    /// <summary>The offending field's path in the file (empty when the problem is the file as a whole).</summary>
    public string? ErrorPath { get; init; }

    /// <summary>Warnings about the applied configuration (a policy no deployment satisfies, an unpriced deployment).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
