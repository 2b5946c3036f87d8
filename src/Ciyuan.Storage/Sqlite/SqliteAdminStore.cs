using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;
using Ciyuan.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Admin tokens and dashboard sessions in SQLite.</summary>
public sealed class SqliteAdminStore(SqliteDatabase database) : IAdminStore
{
    public async Task CreateTokenAsync(AdminToken token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO admin_tokens ({AdminRows.TokenColumns}) VALUES ($id, $name, $role, $hash, $prefix, $created, NULL);";
        insert.Parameters.AddWithValue("$id", token.Id);
        insert.Parameters.AddWithValue("$name", token.Name);
        insert.Parameters.AddWithValue("$role", AdminRoles.Name(token.Role));
        insert.Parameters.AddWithValue("$hash", token.Hash.ToBytes());
        insert.Parameters.AddWithValue("$prefix", token.Prefix);
        insert.Parameters.AddWithValue("$created", token.CreatedAt.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AdminToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AdminRows.TokenColumns} FROM admin_tokens ORDER BY created_at, id;";
        return await ReadAllAsync(command, AdminRows.ReadToken, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminToken?> FindTokenAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AdminRows.TokenColumns} FROM admin_tokens WHERE hash = $hash;";
        command.Parameters.AddWithValue("$hash", hash.ToBytes());
        return (await ReadAllAsync(command, AdminRows.ReadToken, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE admin_tokens SET revoked_at = COALESCE(revoked_at, $at) WHERE id = $id;";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        var changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var end = connection.CreateCommand();
        end.Transaction = transaction;
        end.CommandText = "DELETE FROM admin_sessions WHERE token_id = $id;";
        end.Parameters.AddWithValue("$id", id);
        await end.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task CreateSessionAsync(AdminSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            DELETE FROM admin_sessions WHERE expires_at <= $created;
            INSERT INTO admin_sessions ({AdminRows.SessionColumns}) VALUES ($hash, $token, $subject, $role, $csrf, $created, $expires);
            """;
        command.Parameters.AddWithValue("$hash", session.IdHash.ToBytes());
        command.Parameters.AddWithValue("$token", (object?)session.TokenId ?? DBNull.Value);
        command.Parameters.AddWithValue("$subject", session.Subject);
        command.Parameters.AddWithValue("$role", AdminRoles.Name(session.Role));
        command.Parameters.AddWithValue("$csrf", session.CsrfToken);
        command.Parameters.AddWithValue("$created", session.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", session.ExpiresAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminSession?> FindSessionAsync(KeyHash idHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AdminRows.SessionColumns} FROM admin_sessions WHERE id_hash = $hash AND expires_at > $now;";
        command.Parameters.AddWithValue("$hash", idHash.ToBytes());
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return (await ReadAllAsync(command, AdminRows.ReadSession, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> DeleteSessionAsync(KeyHash idHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM admin_sessions WHERE id_hash = $hash;";
        command.Parameters.AddWithValue("$hash", idHash.ToBytes());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
