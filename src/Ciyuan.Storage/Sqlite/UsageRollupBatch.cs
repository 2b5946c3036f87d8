using Ciyuan.Core.Metering;
using Microsoft.Data.Sqlite;

namespace Ciyuan.Storage.Sqlite;

/// <summary>
/// Sums a batch's new usage records per rollup row (UTC day, key, project, run, model, provider,
/// currency) so a batch of a thousand requests of one swarm costs one upsert, not a thousand.
/// </summary>
internal sealed class UsageRollupBatch
{
    private readonly Dictionary<RollupKey, long[]> _sums = [];

    public void Add(UsageRecord record)
    {
        var key = new RollupKey(record.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            record.KeyId, record.Project ?? "", record.RunId ?? "", record.ModelAlias, record.Provider, record.Currency);
        if (!_sums.TryGetValue(key, out var sums))
        {
            sums = new long[10];
            _sums[key] = sums;
        }

        sums[0]++;
        sums[1] += record.Usage.InputUncached;
        sums[2] += record.Usage.CacheRead;
        sums[3] += record.Usage.CacheWrite;
        sums[4] += record.Usage.Output;
        sums[5] += record.Usage.Reasoning;
        sums[6] += record.Cost.Value;
        sums[7] += record.UsageEstimated ? 1 : 0;
        sums[8] += record.Unpriced ? 1 : 0;
        sums[9] += record.UsageSuspect ? 1 : 0;
    }

    public void Clear() => _sums.Clear();

    public void Flush(LedgerStatements statements)
    {
        var command = statements.UpsertRollup;
        foreach (var (key, sums) in _sums)
        {
            var p = command.Parameters;
            p[0].Value = key.Day;
            p[1].Value = key.KeyId;
            p[2].Value = key.Project;
            p[3].Value = key.RunId;
            p[4].Value = key.Model;
            p[5].Value = key.Provider;
            p[6].Value = key.Currency;
            for (var i = 0; i < sums.Length; i++)
            {
                p[7 + i].Value = sums[i];
            }

            command.ExecuteNonQuery();
        }

        _sums.Clear();
    }

    public static SqliteCommand CreateUpsert(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, requests, input_uncached, cache_read,
                                       cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
            VALUES ($day, $key, $project, $run, $model, $provider, $currency, $n, $in, $cr, $cw, $out, $rs, $cost, $est, $unp, $sus)
            ON CONFLICT (day, key_id, project, run_id, model_alias, provider, currency) DO UPDATE SET
                requests = requests + excluded.requests, input_uncached = input_uncached + excluded.input_uncached,
                cache_read = cache_read + excluded.cache_read, cache_write = cache_write + excluded.cache_write,
                output = output + excluded.output, reasoning = reasoning + excluded.reasoning,
                cost_micros = cost_micros + excluded.cost_micros, estimated = estimated + excluded.estimated,
                unpriced = unpriced + excluded.unpriced, suspect = suspect + excluded.suspect;
            """;
        foreach (var name in new[] { "$day", "$key", "$project", "$run", "$model", "$provider", "$currency", "$n", "$in", "$cr", "$cw", "$out", "$rs", "$cost", "$est", "$unp", "$sus" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private readonly record struct RollupKey(string Day, string KeyId, string Project, string RunId, string Model, string Provider, string Currency);
}
