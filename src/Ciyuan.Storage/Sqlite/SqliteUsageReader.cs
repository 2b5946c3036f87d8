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
            WHERE ($since IS NULL OR created_at >= $since) AND ($key IS NULL OR key_id = $key)
            ORDER BY created_at DESC, request_id LIMIT $limit;
            """;
        AddFilters(command, query);
        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<UsageRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(UsageRecordSql.Read(reader));
        }

        return records;
    }

    public async Task<IReadOnlyList<UsageSummaryRow>> SummarizeAsync(UsageGrouping grouping, UsageQuery query, CancellationToken cancellationToken)
    {
        var groupExpression = grouping switch
        {
            UsageGrouping.Key => "key_id",
            UsageGrouping.Model => "model_alias",
            UsageGrouping.Provider => "provider",
            UsageGrouping.Day => "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')",
            _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
        };
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {groupExpression} AS grp, currency, COUNT(*), SUM(input_uncached), SUM(cache_read), SUM(cache_write),
                   SUM(output), SUM(reasoning), SUM(cost_micros), SUM(usage_estimated), SUM(unpriced)
            FROM usage_records
            WHERE ($since IS NULL OR created_at >= $since) AND ($key IS NULL OR key_id = $key)
            GROUP BY grp, currency ORDER BY grp, currency;
            """;
        AddFilters(command, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UsageSummaryRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new UsageSummaryRow(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), new MicroUnits(reader.GetInt64(8)),
                reader.GetInt64(9), reader.GetInt64(10)));
        }

        return rows;
    }

    private static void AddFilters(Microsoft.Data.Sqlite.SqliteCommand command, UsageQuery query)
    {
        command.Parameters.AddWithValue("$since", query.Since is { } since ? since.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$key", (object?)query.KeyId ?? DBNull.Value);
    }
}
