using Ciyuan.Core.Budgets;
using Microsoft.Data.Sqlite;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Budget lines made through the admin API. Every change bumps <c>meta.budgets_version</c> in the same transaction.</summary>
public sealed class SqliteBudgetStore(SqliteDatabase database, TimeProvider time) : IBudgetStore
{
    public async Task<IReadOnlyList<BudgetLine>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {BudgetRows.LineColumns} FROM budgets ORDER BY id;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<BudgetLine>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(BudgetRows.ReadLine(reader));
        }

        return lines;
    }

    public async Task SaveAsync(BudgetLine line, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO budgets (id, scope, subject, model, period, limit_micros, currency, source, updated_at)
                VALUES ($id, $scope, $subject, $model, $period, $limit, $currency, $source, $at)
                ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, subject = excluded.subject, model = excluded.model,
                    period = excluded.period, limit_micros = excluded.limit_micros, currency = excluded.currency,
                    source = excluded.source, updated_at = excluded.updated_at;
                """;
            upsert.Parameters.AddWithValue("$id", line.Id);
            upsert.Parameters.AddWithValue("$scope", BudgetNames.Of(line.Scope));
            upsert.Parameters.AddWithValue("$subject", line.Subject);
            upsert.Parameters.AddWithValue("$model", (object?)line.Model ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$period", BudgetNames.Of(line.Period));
            upsert.Parameters.AddWithValue("$limit", line.Limit.Value);
            upsert.Parameters.AddWithValue("$currency", line.Currency);
            upsert.Parameters.AddWithValue("$source", line.Source);
            upsert.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds());
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int deleted;
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM budgets WHERE id = $id;";
            delete.Parameters.AddWithValue("$id", id);
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    public Task<long> GetVersionAsync(CancellationToken cancellationToken) => SqliteMeta.ReadAsync(database, "budgets_version", cancellationToken);

    private static Task BumpVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        SqliteMeta.BumpAsync(connection, transaction, "budgets_version", cancellationToken);
}
