using Ciyuan.Core.Keys;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>Client keys in PostgreSQL. Every change bumps <c>meta.keys_version</c> in the same transaction, so other instances notice.</summary>
public sealed class PostgresKeyStore(PostgresDatabase database) : IKeyStore
{
    private const string Columns = "id, name, hash, prefix, created_at, revoked_at, budget_micro_usd, rpm, policy, project, tpm, max_concurrency";

    public async Task CreateAsync(ClientKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO client_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, $11);", connection, transaction))
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
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM client_keys ORDER BY created_at, id;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ClientKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new ClientKey
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Hash = KeyHash.FromBytes((byte[])reader.GetValue(2)),
                Prefix = reader.GetString(3),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                RevokedAt = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                BudgetMicroUsd = reader.IsDBNull(6) ? null : reader.GetInt64(6),
                RequestsPerMinute = reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Policy = reader.IsDBNull(8) ? null : reader.GetString(8),
                Project = reader.IsDBNull(9) ? null : reader.GetString(9),
                TokensPerMinute = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                MaxConcurrency = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            });
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
