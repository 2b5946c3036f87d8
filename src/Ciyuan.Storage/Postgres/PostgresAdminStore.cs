using Ciyuan.Core.Admin;
using Ciyuan.Core.Keys;
using Ciyuan.Storage.Rows;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>Admin tokens and dashboard sessions in PostgreSQL, shared by every instance (a sign-out or revocation ends the session everywhere).</summary>
public sealed class PostgresAdminStore(PostgresDatabase database) : IAdminStore
{
    public async Task CreateTokenAsync(AdminToken token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = PgSql.Command(connection, $"INSERT INTO admin_tokens ({AdminRows.TokenColumns}) VALUES ($1, $2, $3, $4, $5, $6, NULL);",
            token.Id, token.Name, AdminRoles.Name(token.Role), token.Hash.ToBytes(), token.Prefix, token.CreatedAt.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AdminToken>> ListTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {AdminRows.TokenColumns} FROM admin_tokens ORDER BY created_at, id;");
        return await ReadAllAsync(command, AdminRows.ReadToken, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminToken?> FindTokenAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {AdminRows.TokenColumns} FROM admin_tokens WHERE hash = $1;", hash.ToBytes());
        return (await ReadAllAsync(command, AdminRows.ReadToken, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var update = PgSql.Command(connection, "UPDATE admin_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1;", id, at.ToUnixTimeMilliseconds());
        update.Transaction = transaction;
        var changed = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var end = PgSql.Command(connection, "DELETE FROM admin_sessions WHERE token_id = $1;", id);
        end.Transaction = transaction;
        await end.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task CreateSessionAsync(AdminSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                PgSql.Command("DELETE FROM admin_sessions WHERE expires_at <= $1;", session.CreatedAt.ToUnixTimeMilliseconds()),
                PgSql.Command($"INSERT INTO admin_sessions ({AdminRows.SessionColumns}) VALUES ($1, $2::text, $3, $4, $5, $6, $7);",
                    session.IdHash.ToBytes(), session.TokenId, session.Subject, AdminRoles.Name(session.Role), session.CsrfToken,
                    session.CreatedAt.ToUnixTimeMilliseconds(), session.ExpiresAt.ToUnixTimeMilliseconds()),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdminSession?> FindSessionAsync(KeyHash idHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, $"SELECT {AdminRows.SessionColumns} FROM admin_sessions WHERE id_hash = $1 AND expires_at > $2;",
            idHash.ToBytes(), now.ToUnixTimeMilliseconds());
        return (await ReadAllAsync(command, AdminRows.ReadSession, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<bool> DeleteSessionAsync(KeyHash idHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PgSql.Command(connection, "DELETE FROM admin_sessions WHERE id_hash = $1;", idHash.ToBytes());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<System.Data.Common.DbDataReader, T> read, CancellationToken cancellationToken)
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
