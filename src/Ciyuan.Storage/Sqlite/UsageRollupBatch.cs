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
            command.Text(1, key.Day);
            command.Text(2, key.KeyId);
            command.Text(3, key.Project);
            command.Text(4, key.RunId);
            command.Text(5, key.Model);
            command.Text(6, key.Provider);
            command.Text(7, key.Currency);
            for (var i = 0; i < sums.Length; i++)
            {
                command.Integer(8 + i, sums[i]);
            }

            command.Execute();
        }

        _sums.Clear();
    }

    public static PositionalStatement CreateUpsert(SqliteConnection connection) => new(connection, """
            INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, requests, input_uncached, cache_read,
                                       cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            ON CONFLICT (day, key_id, project, run_id, model_alias, provider, currency) DO UPDATE SET
                requests = requests + excluded.requests, input_uncached = input_uncached + excluded.input_uncached,
                cache_read = cache_read + excluded.cache_read, cache_write = cache_write + excluded.cache_write,
                output = output + excluded.output, reasoning = reasoning + excluded.reasoning,
                cost_micros = cost_micros + excluded.cost_micros, estimated = estimated + excluded.estimated,
                unpriced = unpriced + excluded.unpriced, suspect = suspect + excluded.suspect;
            """);

    private readonly record struct RollupKey(string Day, string KeyId, string Project, string RunId, string Model, string Provider, string Currency);
}
