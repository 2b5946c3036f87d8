using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>Writes a batch's <see cref="UsageSeriesSums"/> into <c>usage_series</c>, in the records' transaction.</summary>
internal static class SqliteUsageSeries
{
    private static readonly string[] Parameters =
        ["$bucket", "$model", "$provider", "$deployment", "$jurisdiction", "$currency", "$n", "$err", "$in", "$cr", "$cw", "$out", "$rs", "$cost", "$est", "$unp"];

    public static SqliteCommand CreateUpsert(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, requests, errors, input_uncached,
                                      cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
            VALUES ($bucket, $model, $provider, $deployment, $jurisdiction, $currency, $n, $err, $in, $cr, $cw, $out, $rs, $cost, $est, $unp)
            ON CONFLICT (bucket, model_alias, provider, deployment, jurisdiction, currency) DO UPDATE SET
                requests = requests + excluded.requests, errors = errors + excluded.errors,
                input_uncached = input_uncached + excluded.input_uncached, cache_read = cache_read + excluded.cache_read,
                cache_write = cache_write + excluded.cache_write, output = output + excluded.output, reasoning = reasoning + excluded.reasoning,
                cost_micros = cost_micros + excluded.cost_micros, estimated = estimated + excluded.estimated, unpriced = unpriced + excluded.unpriced;
            """;
        foreach (var name in Parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    public static void Flush(SqliteCommand upsert, UsageSeriesSums sums)
    {
        var p = upsert.Parameters;
        foreach (var (key, values) in sums.Rows)
        {
            p[0].Value = key.Bucket;
            p[1].Value = key.Model;
            p[2].Value = key.Provider;
            p[3].Value = key.Deployment;
            p[4].Value = key.Jurisdiction;
            p[5].Value = key.Currency;
            for (var i = 0; i < values.Length; i++)
            {
                p[6 + i].Value = values[i];
            }

            upsert.ExecuteNonQuery();
        }

        sums.Clear();
    }
}
