using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// The group-commit writer's own connection, kept open between batches. A pooled connection is
/// reset each time it goes back to the pool (<c>DISCARD ALL</c>), which throws away the plans
/// PostgreSQL cached for <c>ciyuan_write</c> and the writer's prepared statements, so every batch
/// was parsed and planned afresh; on a hot budget that was a large share of the database's work.
/// Used by the one writer task only. A connection that failed is dropped and the next batch opens
/// another (the database may have restarted).
/// </summary>
internal sealed class PostgresWriterConnection(PostgresDatabase database) : IAsyncDisposable
{
    /// <summary>
    /// A connection unused this long is closed and a new one opened for the next batch, as the pool
    /// retires its idle ones: a connection idle for long is the one a firewall or proxy has cut
    /// without telling, and its first batch would fail.
    /// </summary>
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(60);

    private NpgsqlConnection? _connection;
    private long _lastUsed;

    /// <summary>The open connection, opened now if there is none (or it sat idle too long).</summary>
    public async Task<NpgsqlConnection> GetAsync(CancellationToken cancellationToken)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_connection is { State: System.Data.ConnectionState.Open } open
            && System.Diagnostics.Stopwatch.GetElapsedTime(_lastUsed, now) < IdleLifetime)
        {
            _lastUsed = now;
            return open;
        }

        await DropAsync().ConfigureAwait(false);
        _connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        _lastUsed = now;
        return _connection;
    }

    /// <summary>After a failed batch: the connection may be broken, or in a state no one should reuse.</summary>
    public async Task DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);
}
