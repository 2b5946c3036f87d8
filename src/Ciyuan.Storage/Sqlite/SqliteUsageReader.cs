using Ciyuan.Core.Metering;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Ledger queries for <c>ciyuan usage</c> and <c>/admin/usage</c>.</summary>
public sealed class SqliteUsageReader(SqliteDatabase database) : IUsageReader
{
    public async Task<IReadOnlyList<UsageRecord>> ListAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {UsageRecordSql.Columns} FROM usage_records
            WHERE {Filters} AND ($suspect = 0 OR usage_suspect = 1)
            ORDER BY created_at DESC, request_id LIMIT $limit;
            """;
        AddFilters(command, query);
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$suspect", query.SuspectOnly ? 1 : 0);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await Rows.UsageRecordRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sums by the grouping. Without a start time the rollups answer (one row per day and group, so
    /// a report over millions of requests reads thousands of rows, and outlives retention); with
    /// one, the request lines do, to the millisecond.
    /// </summary>
    public async Task<IReadOnlyList<UsageSummaryRow>> SummarizeAsync(UsageGrouping grouping, UsageQuery query, CancellationToken cancellationToken)
    {
        var fromRollups = query.Since is null;
        var groupExpression = Rows.UsageGroupingColumns.For(grouping, fromRollups, "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')");
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = fromRollups
            ? $"""
                SELECT {groupExpression} AS grp, currency, SUM(requests), SUM(input_uncached), SUM(cache_read), SUM(cache_write),
                       SUM(output), SUM(reasoning), SUM(cost_micros), SUM(estimated), SUM(unpriced), SUM(suspect)
                FROM usage_rollups
                WHERE ($key IS NULL OR key_id = $key) AND ($project IS NULL OR project = $project) AND ($run IS NULL OR run_id = $run)
                  AND ($model IS NULL OR model_alias = $model) AND ($provider IS NULL OR provider = $provider)
                  AND ($fromDay IS NULL OR day >= $fromDay) AND ($toDay IS NULL OR day <= $toDay)
                GROUP BY grp, currency ORDER BY grp, currency;
                """
            : $"""
                SELECT {groupExpression} AS grp, currency, COUNT(*), SUM(input_uncached), SUM(cache_read), SUM(cache_write),
                       SUM(output), SUM(reasoning), SUM(cost_micros), SUM(usage_estimated), SUM(unpriced), SUM(usage_suspect)
                FROM usage_records
                WHERE {Filters}
                GROUP BY grp, currency ORDER BY grp, currency;
                """;
        AddFilters(command, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await Rows.UsageRecordRows.ReadSummariesAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private const string Filters =
        "($since IS NULL OR created_at >= $since) AND ($key IS NULL OR key_id = $key) AND ($project IS NULL OR project = $project) AND ($run IS NULL OR run_id = $run)" +
        " AND ($model IS NULL OR model_alias = $model) AND ($provider IS NULL OR provider = $provider)" +
        " AND ($fromMs IS NULL OR created_at >= $fromMs) AND ($toMs IS NULL OR created_at < $toMs)";

    private static void AddFilters(Microsoft.Data.Sqlite.SqliteCommand command, UsageQuery query)
    {
        command.Parameters.AddWithValue("$since", query.Since is { } since ? since.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$key", (object?)query.KeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$project", (object?)query.Project ?? DBNull.Value);
        command.Parameters.AddWithValue("$run", (object?)query.RunId ?? DBNull.Value);
        command.Parameters.AddWithValue("$model", (object?)query.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("$provider", (object?)query.Provider ?? DBNull.Value);
        command.Parameters.AddWithValue("$fromDay", (object?)UsageQuery.DayText(query.FromDay) ?? DBNull.Value);
        command.Parameters.AddWithValue("$toDay", (object?)UsageQuery.DayText(query.ToDay) ?? DBNull.Value);
        command.Parameters.AddWithValue("$fromMs", (object?)query.FromMilliseconds ?? DBNull.Value);
        command.Parameters.AddWithValue("$toMs", (object?)query.ToMillisecondsExclusive ?? DBNull.Value);
    }
}
