using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// A PostgreSQL database shared by several gateway instances: a pooled data source, and errors that
/// name the server and database but never the password.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StorageException($"storage.postgres is not a valid connection string: {ex.Message}");
        }

        // A reservation holds a connection for one short round trip, so a few dozen serve hundreds
        // of concurrent requests; several instances must fit PostgreSQL's max_connections (100 by
        // default) together. "Maximum Pool Size" in the connection string overrides this.
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = 32;
        }

        Description = $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Where the data is, for messages: server and database, no credentials.</summary>
    public string Description { get; }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new StorageException($"cannot connect to the {Description}: {ex.Message}", ex);
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
