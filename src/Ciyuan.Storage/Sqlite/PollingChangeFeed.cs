namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Changes to a local SQLite file (the <c>keys</c> CLI writing while <c>serve</c> runs) are found by
/// looking: every wait is one interval, after which the caller compares the file's change counter.
/// </summary>
internal sealed class PollingChangeFeed(TimeSpan interval) : IChangeFeed
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    public Task WaitAsync(string topic, CancellationToken cancellationToken) => Task.Delay(interval, cancellationToken);
}
