namespace Ciyuan.Storage;

/// <summary>
/// What an operator (and <c>/readyz</c>) needs to know about the store: whether the database took
/// the last write, since when it has not, and how many writes wait for it in the outage backlog.
/// </summary>
public sealed record StorageHealth(string Backend, bool DatabaseReachable, DateTimeOffset? UnreachableSince, int Backlog)
{
    public static StorageHealth Local(string backend) => new(backend, true, null, 0);
}
