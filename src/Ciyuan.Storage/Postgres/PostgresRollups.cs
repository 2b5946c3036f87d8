using Ciyuan.Core.Metering;
using Npgsql;

namespace Ciyuan.Storage.Postgres;

/// <summary>
/// Daily rollups kept in the records' transaction: the batch is summed per row first (a swarm's
/// thousand requests are one upsert), then rows are upserted in key order so concurrent instances
/// lock them in the same order.
/// </summary>
internal static class PostgresRollups
{
    public static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<UsageRecord> records, CancellationToken cancellationToken)
    {
        var rows = records
            .GroupBy(r => (Day: r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.KeyId,
                Project: r.Project ?? "", RunId: r.RunId ?? "", r.ModelAlias, r.Provider, r.Currency))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.KeyId, StringComparer.Ordinal).ThenBy(g => g.Key.Project, StringComparer.Ordinal)
            .ThenBy(g => g.Key.RunId, StringComparer.Ordinal).ThenBy(g => g.Key.ModelAlias, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Provider, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = PgSql.Command(connection, """
            INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, requests, input_uncached, cache_read,
                                       cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
                                 $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[])
            ON CONFLICT (day, key_id, project, run_id, model_alias, provider, currency) DO UPDATE SET
                requests = usage_rollups.requests + excluded.requests, input_uncached = usage_rollups.input_uncached + excluded.input_uncached,
                cache_read = usage_rollups.cache_read + excluded.cache_read, cache_write = usage_rollups.cache_write + excluded.cache_write,
                output = usage_rollups.output + excluded.output, reasoning = usage_rollups.reasoning + excluded.reasoning,
                cost_micros = usage_rollups.cost_micros + excluded.cost_micros, estimated = usage_rollups.estimated + excluded.estimated,
                unpriced = usage_rollups.unpriced + excluded.unpriced, suspect = usage_rollups.suspect + excluded.suspect;
            """,
            rows.Select(g => g.Key.Day).ToArray(), rows.Select(g => g.Key.KeyId).ToArray(), rows.Select(g => g.Key.Project).ToArray(),
            rows.Select(g => g.Key.RunId).ToArray(), rows.Select(g => g.Key.ModelAlias).ToArray(), rows.Select(g => g.Key.Provider).ToArray(),
            rows.Select(g => g.Key.Currency).ToArray(), rows.Select(g => (long)g.Count()).ToArray(),
            rows.Select(g => g.Sum(r => r.Usage.InputUncached)).ToArray(), rows.Select(g => g.Sum(r => r.Usage.CacheRead)).ToArray(),
            rows.Select(g => g.Sum(r => r.Usage.CacheWrite)).ToArray(), rows.Select(g => g.Sum(r => r.Usage.Output)).ToArray(),
            rows.Select(g => g.Sum(r => r.Usage.Reasoning)).ToArray(), rows.Select(g => g.Sum(r => r.Cost.Value)).ToArray(),
            rows.Select(g => (long)g.Count(r => r.UsageEstimated)).ToArray(), rows.Select(g => (long)g.Count(r => r.Unpriced)).ToArray(),
            rows.Select(g => (long)g.Count(r => r.UsageSuspect)).ToArray());
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
