using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Writes a batch's <see cref="UsageSeriesSums"/> into <c>usage_series</c>, in the records' transaction.</summary>
internal static class SqliteUsageSeries
{
    public static PositionalStatement CreateUpsert(SqliteConnection connection) => new(connection, """
            INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, requests, errors, input_uncached,
                                      cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
            ON CONFLICT (bucket, model_alias, provider, deployment, jurisdiction, currency) DO UPDATE SET
                requests = requests + excluded.requests, errors = errors + excluded.errors,
                input_uncached = input_uncached + excluded.input_uncached, cache_read = cache_read + excluded.cache_read,
                cache_write = cache_write + excluded.cache_write, output = output + excluded.output, reasoning = reasoning + excluded.reasoning,
                cost_micros = cost_micros + excluded.cost_micros, estimated = estimated + excluded.estimated, unpriced = unpriced + excluded.unpriced;
            """);

    public static void Flush(PositionalStatement upsert, UsageSeriesSums sums)
    {
        foreach (var (key, values) in sums.Rows)
        {
            upsert.Integer(1, key.Bucket);
            upsert.Text(2, key.Model);
            upsert.Text(3, key.Provider);
            upsert.Text(4, key.Deployment);
            upsert.Text(5, key.Jurisdiction);
            upsert.Text(6, key.Currency);
            for (var i = 0; i < values.Length; i++)
            {
                upsert.Integer(7 + i, values[i]);
            }

            upsert.Execute();
        }

        sums.Clear();
    }
}
