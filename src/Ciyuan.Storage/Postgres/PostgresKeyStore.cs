using Ciyuan.Core.Keys;
using Npgsql;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Postgres;

/// <summary>Client keys in PostgreSQL. Every change bumps <c>meta.keys_version</c> in the same transaction, so other instances notice.</summary>
public sealed class PostgresKeyStore(PostgresDatabase database) : IKeyStore
{
    public async Task CreateAsync(ClientKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO client_keys ({ClientKeyRows.Columns}) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11);", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = key.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = key.Name });
            insert.Parameters.Add(new NpgsqlParameter { Value = key.Hash.ToBytes() });
            insert.Parameters.Add(new NpgsqlParameter { Value = key.Prefix });
            insert.Parameters.Add(new NpgsqlParameter { Value = key.CreatedAt.ToUnixTimeMilliseconds() });
            insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = key.BudgetMicroUsd });
            insert.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = key.RequestsPerMinute });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Policy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Project ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = key.TokensPerMinute });
            insert.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = key.MaxConcurrency });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await PostgresMeta.BumpAsync(connection, transaction, "keys_version", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {ClientKeyRows.Columns} FROM client_keys ORDER BY created_at, id;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ClientKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(ClientKeyRows.Read(reader));
        }

        return keys;
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int changed;
        await using (var update = new NpgsqlCommand("UPDATE client_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1;", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = at.ToUnixTimeMilliseconds() });
            changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await PostgresMeta.BumpAsync(connection, transaction, "keys_version", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresMeta.ReadAsync(connection, "keys_version", cancellationToken).ConfigureAwait(false);
    }
}
