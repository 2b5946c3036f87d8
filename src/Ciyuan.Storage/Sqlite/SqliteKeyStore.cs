using Ciyuan.Core.Keys;
using Microsoft.Data.Sqlite;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Client keys in SQLite. Every change bumps <c>meta.keys_version</c> in the same transaction.</summary>
public sealed class SqliteKeyStore(SqliteDatabase database) : IKeyStore
{
    public async Task CreateAsync(ClientKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO client_keys (id, name, hash, prefix, created_at, revoked_at, budget_micro_usd, rpm, policy, project, tpm, max_concurrency)
                VALUES ($id, $name, $hash, $prefix, $created, NULL, $budget, $rpm, $policy, $project, $tpm, $concurrency);
                """;
            insert.Parameters.AddWithValue("$id", key.Id);
            insert.Parameters.AddWithValue("$name", key.Name);
            insert.Parameters.AddWithValue("$hash", key.Hash.ToBytes());
            insert.Parameters.AddWithValue("$prefix", key.Prefix);
            insert.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$budget", (object?)key.BudgetMicroUsd ?? DBNull.Value);
            insert.Parameters.AddWithValue("$rpm", (object?)key.RequestsPerMinute ?? DBNull.Value);
            insert.Parameters.AddWithValue("$policy", (object?)key.Policy ?? DBNull.Value);
            insert.Parameters.AddWithValue("$project", (object?)key.Project ?? DBNull.Value);
            insert.Parameters.AddWithValue("$tpm", (object?)key.TokensPerMinute ?? DBNull.Value);
            insert.Parameters.AddWithValue("$concurrency", (object?)key.MaxConcurrency ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ClientKeyRows.Columns} FROM client_keys ORDER BY created_at, id;";
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
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int changed;
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE client_keys SET revoked_at = COALESCE(revoked_at, $at) WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public Task<long> GetVersionAsync(CancellationToken cancellationToken) => SqliteMeta.ReadAsync(database, "keys_version", cancellationToken);

    private static Task BumpVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        SqliteMeta.BumpAsync(connection, transaction, "keys_version", cancellationToken);
}
