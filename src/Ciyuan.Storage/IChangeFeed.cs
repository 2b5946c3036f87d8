namespace Ciyuan.Storage;

/// <summary>
/// Tells an instance that shared data (client keys, budget lines) may have changed in another
/// process, so it reloads only then. PostgreSQL pushes changes (<c>LISTEN</c>/<c>NOTIFY</c>: idle
/// instances stay quiet); the embedded SQLite file is polled, which costs a local read.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Completes when <paramref name="topic"/> (<see cref="ChangeTopics"/>) may have changed, or
    /// after the feed's own safety interval: either way the caller then compares its store's
    /// version and reloads if it moved.
    /// </summary>
    Task WaitAsync(string topic, CancellationToken cancellationToken);
}

/// <summary>The topics of <see cref="IChangeFeed"/>: the change counters in the store's <c>meta</c> table.</summary>
public static class ChangeTopics
{
    public const string Keys = "keys_version";
    public const string Budgets = "budgets_version";
}
