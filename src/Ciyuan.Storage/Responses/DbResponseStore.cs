using System.Data;
using System.Data.Common;
using Ciyuan.Core.Responses;

namespace Ciyuan.Storage.Responses;

/// <summary>
/// Stored Responses answers on either backend: the statements are plain SQL that SQLite and
/// PostgreSQL both run (named parameters, a recursive query for the conversation chain), so the
/// store is written once. Every statement names the owner, so one owner never reads, lists or
/// deletes another's responses. Saves go through a group commit: every answer waiting is written in
/// one transaction (a transaction per answer made a stored response cost twice an unstored one),
/// and a save completes only once its transaction is committed.
/// </summary>
public sealed class DbResponseStore : IResponseStore, IAsyncDisposable
{
    private const string ResponseColumns = "id, owner, key_id, request_id, previous_id, created_at, model, body";
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly GroupCommitQueue<StoredResponse> _saves;

    public DbResponseStore(Func<CancellationToken, Task<DbConnection>> open)
    {
        _open = open;
        _saves = new GroupCommitQueue<StoredResponse>(SaveBatchAsync, static ex => $"the response could not be stored ({ex.Message})");
    }

    public async Task SaveAsync(StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await _saves.EnqueueAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is waiting, then stops taking saves.</summary>
    public ValueTask DisposeAsync() => _saves.DisposeAsync();

    private async Task SaveBatchAsync(IReadOnlyList<StoredResponse> responses)
    {
        var cancellationToken = CancellationToken.None;
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var response in responses)
        {
            await WriteAsync(connection, transaction, response, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(DbConnection connection, DbTransaction transaction, StoredResponse response, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "DELETE FROM response_items WHERE response_id = @id;", cancellationToken, ("id", response.Id)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM responses WHERE id = @id;", cancellationToken, ("id", response.Id)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO responses ({ResponseColumns}) VALUES (@id, @owner, @key, @request, @previous, @created, @model, @body);", cancellationToken,
            ("id", response.Id), ("owner", response.Owner), ("key", response.KeyId), ("request", response.RequestId), ("previous", response.PreviousResponseId),
            ("created", response.CreatedAt.ToUnixTimeMilliseconds()), ("model", response.Model), ("body", response.Body)).ConfigureAwait(false);
        for (var i = 0; i < response.InputItems.Count; i++)
        {
            var item = response.InputItems[i];
            await ExecuteAsync(connection, transaction, "INSERT INTO response_items (response_id, seq, id, body) VALUES (@response, @seq, @id, @body);", cancellationToken,
                ("response", response.Id), ("seq", i), ("id", item.Id), ("body", item.Json)).ConfigureAwait(false);
        }
    }

    public async Task<StoredResponse?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {ResponseColumns} FROM responses WHERE id = @id AND owner = @owner;", ("id", id), ("owner", owner));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadResponse(reader) : null;
    }

    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM responses WHERE id = @id AND owner = @owner;", cancellationToken, ("id", id), ("owner", owner)).ConfigureAwait(false);
        if (deleted > 0)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM response_items WHERE response_id = @id;", cancellationToken, ("id", id)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    public async Task<ItemsPage?> ListInputItemsAsync(string owner, string id, ItemsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using (var exists = Command(connection, null, "SELECT COUNT(*) FROM responses WHERE id = @id AND owner = @owner;", ("id", id), ("owner", owner)))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return null;
            }
        }

        // A cursor is an item id; its position (seq) bounds the page on the side the order runs to.
        var (forward, backward) = query.Ascending ? (">", "<") : ("<", ">");
        var sql = "SELECT id, body FROM response_items WHERE response_id = @id"
            + (query.After is null ? "" : $" AND seq {forward} (SELECT seq FROM response_items WHERE response_id = @id AND id = @after)")
            + (query.Before is null ? "" : $" AND seq {backward} (SELECT seq FROM response_items WHERE response_id = @id AND id = @before)")
            + (query.Ascending ? " ORDER BY seq ASC" : " ORDER BY seq DESC")
            + " LIMIT @limit;";
        await using var command = Command(connection, null, sql, ("id", id), ("after", query.After), ("before", query.Before), ("limit", query.Limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<StoredItem>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new StoredItem(reader.GetString(0), reader.GetString(1)));
        }

        var more = items.Count > query.Limit;
        return new ItemsPage(more ? items[..query.Limit] : items, more);
    }

    public async Task<ConversationChain?> ChainAsync(string owner, string id, int maxDepth, CancellationToken cancellationToken)
    {
        const string Chain = """
            WITH RECURSIVE chain (id, previous_id, depth) AS (
                SELECT id, previous_id, 0 FROM responses WHERE id = @id AND owner = @owner
                UNION ALL
                SELECT r.id, r.previous_id, c.depth + 1 FROM responses r JOIN chain c ON r.id = c.previous_id
                WHERE r.owner = @owner AND c.depth < @max
            )
            """;
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        var responses = new List<StoredResponse>();
        await using (var command = Command(connection, null,
            Chain + $" SELECT r.id, r.owner, r.key_id, r.request_id, r.previous_id, r.created_at, r.model, r.body FROM chain c JOIN responses r ON r.id = c.id ORDER BY c.depth DESC;",
            ("id", id), ("owner", owner), ("max", maxDepth)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                responses.Add(ReadResponse(reader));
            }
        }

        if (responses.Count == 0)
        {
            return null;
        }

        var items = responses.ToDictionary(r => r.Id, _ => new List<StoredItem>(), StringComparer.Ordinal);
        await using (var command = Command(connection, null,
            Chain + " SELECT i.response_id, i.id, i.body FROM chain c JOIN response_items i ON i.response_id = c.id ORDER BY c.depth DESC, i.seq ASC;",
            ("id", id), ("owner", owner), ("max", maxDepth)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items[reader.GetString(0)].Add(new StoredItem(reader.GetString(1), reader.GetString(2)));
            }
        }

        var chain = responses.ConvertAll(r => r with { InputItems = items[r.Id] });
        // The oldest response found still names one before it: that link is gone (or lies beyond maxDepth).
        return new ConversationChain(chain, chain[0].PreviousResponseId);
    }

    public async Task<long> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var before = olderThan.ToUnixTimeMilliseconds();
        await using var connection = await _open(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            "DELETE FROM response_items WHERE response_id IN (SELECT id FROM responses WHERE created_at < @before);", cancellationToken, ("before", before)).ConfigureAwait(false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM responses WHERE created_at < @before;", cancellationToken, ("before", before)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private static StoredResponse ReadResponse(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Owner = reader.GetString(1),
        KeyId = reader.GetString(2),
        RequestId = reader.GetString(3),
        PreviousResponseId = reader.IsDBNull(4) ? null : reader.GetString(4),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        Model = reader.GetString(6),
        Body = reader.GetString(7),
    };

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = value switch
            {
                int => DbType.Int32,
                long => DbType.Int64,
                _ => DbType.String,
            };
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
