using Ciyuan.Core.Budgets;
using Npgsql;
using Ciyuan.Storage.Rows;

namespace Ciyuan.Storage.Postgres;

/// <summary>Budget lines made through the admin API, shared by every instance; changes bump <c>meta.budgets_version</c>.</summary>
public sealed class PostgresBudgetStore(PostgresDatabase database, TimeProvider time) : IBudgetStore
{
    public async Task<IReadOnlyList<BudgetLine>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {BudgetRows.LineColumns} FROM budgets ORDER BY id;", connection);
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO budgets (id, scope, subject, model, period, limit_micros, currency, source, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, subject = excluded.subject, model = excluded.model,
                period = excluded.period, limit_micros = excluded.limit_micros, currency = excluded.currency,
                source = excluded.source, updated_at = excluded.updated_at;
            """, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter { Value = line.Id });
            upsert.Parameters.Add(new NpgsqlParameter { Value = BudgetNames.Of(line.Scope) });
            upsert.Parameters.Add(new NpgsqlParameter { Value = line.Subject });
            upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)line.Model ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter { Value = BudgetNames.Of(line.Period) });
            upsert.Parameters.Add(new NpgsqlParameter { Value = line.Limit.Value });
            upsert.Parameters.Add(new NpgsqlParameter { Value = line.Currency });
            upsert.Parameters.Add(new NpgsqlParameter { Value = line.Source });
            upsert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().ToUnixTimeMilliseconds() });
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await PostgresMeta.BumpAsync(connection, transaction, "budgets_version", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM budgets WHERE id = $1;", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = id });
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await PostgresMeta.BumpAsync(connection, transaction, "budgets_version", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresMeta.ReadAsync(connection, "budgets_version", cancellationToken).ConfigureAwait(false);
    }
}
