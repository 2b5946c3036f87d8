using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// What a budget line has spent in a window when the gateway first meets it: the durable counter
/// if there is one; otherwise (a line created after its scope had spent) the ledger's sum, written
/// as the counter so settlements add to it from then on. Total budgets sum the rollups, which
/// outlive request-log retention; calendar windows sum the request lines since the window began.
/// </summary>
internal sealed class BudgetSpendSeed(SqliteDatabase database, CurrencyConverter currency)
{
    public async Task<MicroUnits> LoadAsync(BudgetLine line, DateTimeOffset window, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT spent_micros FROM budget_spend WHERE line_id = $line AND window_start = $window;";
            read.Parameters.AddWithValue("$line", line.Id);
            read.Parameters.AddWithValue("$window", window.ToUnixTimeMilliseconds());
            if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long spent)
            {
                return new MicroUnits(spent);
            }
        }

        var seed = await SumLedgerAsync(connection, transaction, line, window, cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO budget_spend (line_id, window_start, spent_micros) VALUES ($line, $window, $spent) ON CONFLICT DO NOTHING;";
            insert.Parameters.AddWithValue("$line", line.Id);
            insert.Parameters.AddWithValue("$window", window.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$spent", seed.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return seed;
    }

    private async Task<MicroUnits> SumLedgerAsync(SqliteConnection connection, SqliteTransaction transaction, BudgetLine line, DateTimeOffset window, CancellationToken cancellationToken)
    {
        var scopeFilter = line.Scope switch
        {
            BudgetScopeKind.Key => "key_id IN (SELECT id FROM client_keys WHERE id = $subject OR name = $subject)",
            BudgetScopeKind.Project => "project = $subject",
            _ => "run_id = $subject",
        };
        await using var sum = connection.CreateCommand();
        sum.Transaction = transaction;
        sum.CommandText = line.Period == BudgetPeriod.Total
            ? $"SELECT currency, SUM(cost_micros) FROM usage_rollups WHERE {scopeFilter} AND ($model IS NULL OR model_alias = $model) GROUP BY currency;"
            : $"SELECT currency, SUM(cost_micros) FROM usage_records WHERE {scopeFilter} AND ($model IS NULL OR model_alias = $model) AND created_at >= $since GROUP BY currency;";
        sum.Parameters.AddWithValue("$subject", line.Subject);
        sum.Parameters.AddWithValue("$model", (object?)line.Model ?? DBNull.Value);
        sum.Parameters.AddWithValue("$since", window.ToUnixTimeMilliseconds());
        await using var reader = await sum.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var total = MicroUnits.Zero;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            total += currency.Convert(new MicroUnits(reader.GetInt64(1)), reader.GetString(0), line.Currency);
        }

        return total;
    }
}
