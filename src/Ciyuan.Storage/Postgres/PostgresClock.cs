namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The database server's clock, in Unix milliseconds, for heartbeats and the orphan test: instances
/// on different hosts may disagree by seconds, but they all read the one server.
/// </summary>
internal static class PostgresClock
{
    /// <summary>A SQL expression; <c>clock_timestamp()</c> rather than <c>now()</c>, which is fixed at the transaction's start.</summary>
    public const string NowMilliseconds = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
}
