using System.Diagnostics;
using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;
using Ciyuan.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// Reports on a large PostgreSQL ledger. Seeds a database of the run's own with N usage records
/// spread over 30 days (20 keys, 5 projects, 200 runs, 3 models) by COPY, with the rollups and the
/// dashboard's quarter-hour series the writers keep beside them (computed from the records, as three
/// instances would have written them, then half of them folded), then times what <c>/admin/usage</c>,
/// the CLI and the dashboard ask — each the median of five runs, through the same reader the gateway uses.
/// Usage: <c>reports [records=10000000]</c>, with <c>CIYUAN_BENCH_POSTGRES</c> a connection string to
/// a server where the run may create a database (dropped at the end).
/// </summary>
internal static class ReportsRun
{
    private static readonly (string Model, string Provider, string Deployment, string Currency)[] Models =
    [
        ("test-model", "local", "local/upstream-model", "USD"),
        ("cny-model", "cnhost", "cnhost/cny-upstream", "CNY"),
        ("fast-model", "local", "local/fast", "USD"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var server = Environment.GetEnvironmentVariable("CIYUAN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("Set CIYUAN_BENCH_POSTGRES to an Npgsql connection string of a server where this run may create databases.");
        var name = "ciyuan_reports_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE {name};", TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name, CommandTimeout = 3600 }.ConnectionString;
        try
        {
            var store = await PostgresBackend.OpenAsync(new StorageOptions
            {
                Config = StorageConfig.Default with { PostgresConnectionString = database },
                DataDirectory = Path.Combine(Path.GetTempPath(), name),
                InstanceId = "reports",
                Currency = new CurrencyConverter(0.14m),
            }, CancellationToken.None).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var seeding = Stopwatch.StartNew();
                var now = DateTimeOffset.UtcNow;
                await CopyRecordsAsync(database, records, now).ConfigureAwait(false);
                var copied = seeding.Elapsed;
                await ExecuteAsync(database, RollupsFromRecords, TimeSpan.FromHours(1)).ConfigureAwait(false);
                await ExecuteAsync(database, "ANALYZE;", TimeSpan.FromHours(1)).ConfigureAwait(false);
                Console.WriteLine($"seeded {records:N0} records by COPY in {copied.TotalSeconds:F0} s ({records / copied.TotalSeconds:N0} a second), rollups and ANALYZE by {seeding.Elapsed.TotalSeconds:F0} s");
                Console.WriteLine(await SizesAsync(database).ConfigureAwait(false));

                var today = DateOnly.FromDateTime(now.UtcDateTime);
                var reports = new (string Name, Func<Task<int>> Run)[]
                {
                    ("by key, all time", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Key, new UsageQuery(), CancellationToken.None))),
                    ("by project, all time", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Project, new UsageQuery(), CancellationToken.None))),
                    ("by run, all time", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Run, new UsageQuery(), CancellationToken.None))),
                    ("by model, all time", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Model, new UsageQuery(), CancellationToken.None))),
                    ("by day, last 7 days", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Day, new UsageQuery { FromDay = today.AddDays(-6), ToDay = today }, CancellationToken.None))),
                    ("one run, by model", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Model, new UsageQuery { RunId = "run-042" }, CancellationToken.None))),
                    ("one key, by day", () => Count(store.Reports.SummarizeAsync(UsageGrouping.Day, new UsageQuery(KeyId: "key-007"), CancellationToken.None))),
                    ("dashboard series, last 24 h", () => Count(store.Timeline.ReadSeriesAsync(now.AddDays(-1), now, CancellationToken.None))),
                    ("dashboard series, last 30 days", () => Count(store.Timeline.ReadSeriesAsync(now.AddDays(-30), now, CancellationToken.None))),
                    ("newest 100 request lines", () => Count(store.Timeline.ReadNewestAsync(now.AddHours(-1), 100, CancellationToken.None))),
                    ("one run's newest 100 lines", () => Count(store.Timeline.ReadRunAsync("run-042", 100, CancellationToken.None))),
                };
                foreach (var (label, run) in reports)
                {
                    var rows = 0;
                    var times = new List<double>();
                    for (var i = 0; i < 5; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        rows = await run().ConfigureAwait(false);
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }

                    times.Sort();
                    Console.WriteLine($"{label,-32} {times[2],9:F1} ms (median of 5; {rows} rows)");
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE {name} WITH (FORCE);", TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> Count<T>(Task<IReadOnlyList<T>> rows) => (await rows.ConfigureAwait(false)).Count;

    private static async Task CopyRecordsAsync(string database, long records, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync().ConfigureAwait(false);
        var random = new Random(7);
        var end = now.ToUnixTimeMilliseconds();
        const long Span = 30L * 86_400_000;
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY usage_records ({PostgresUsageRecordColumns}) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
        for (long i = 0; i < records; i++)
        {
            var (model, provider, deployment, currency) = Models[i % 3];
            var prompt = random.Next(100, 4000);
            var output = random.Next(10, 800);
            await writer.StartRowAsync().ConfigureAwait(false);
            await writer.WriteAsync("req_" + i.ToString("x12", CultureInfo.InvariantCulture), NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(end - random.NextInt64(Span), NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync("key-" + (i % 20).ToString("000", CultureInfo.InvariantCulture), NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync("run-" + (i % 200).ToString("000", CultureInfo.InvariantCulture), NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync("chat", NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(model, NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(provider, NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(deployment, NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(deployment.Split('/')[1], NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync("self-hosted", NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync((long)prompt, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync(0L, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync(0L, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync((long)output, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync(0L, NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync(0, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteAsync((long)(prompt + (2 * output)), NpgsqlDbType.Bigint).ConfigureAwait(false);
            await writer.WriteAsync(currency, NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(0, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteAsync(RequestStatus.Ok, NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(200, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteNullAsync().ConfigureAwait(false);
            await writer.WriteAsync(i % 2 == 0 ? 1 : 0, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteAsync(1, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteAsync(200.0 + (i % 1000), NpgsqlDbType.Double).ConfigureAwait(false);
            await writer.WriteAsync(50.0, NpgsqlDbType.Double).ConfigureAwait(false);
            await writer.WriteAsync("project-" + (i % 5).ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text).ConfigureAwait(false);
            await writer.WriteAsync(0, NpgsqlDbType.Integer).ConfigureAwait(false);
            await writer.WriteNullAsync().ConfigureAwait(false);
            await writer.WriteNullAsync().ConfigureAwait(false);
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    private const string PostgresUsageRecordColumns =
        "request_id, created_at, key_id, run_id, endpoint, model_alias, provider, deployment, upstream_model, jurisdiction, " +
        "input_uncached, cache_read, cache_write, output, reasoning, usage_estimated, cost_micros, currency, unpriced, status, http_status, error, " +
        "streamed, attempts, latency_ms, ttft_ms, project, usage_suspect, claimed_usage, failed_attempts";

    /// <summary>
    /// The rows the writers keep beside the records: per instance (three, by request), of which the
    /// days and quarter-hours before the last two days are folded into the shared rows, as the upkeep does.
    /// </summary>
    private const string RollupsFromRecords = """
        INSERT INTO usage_rollups (day, key_id, project, run_id, model_alias, provider, currency, instance, requests, input_uncached, cache_read,
                                   cache_write, output, reasoning, cost_micros, estimated, unpriced, suspect)
        SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), key_id, coalesce(project, ''), coalesce(run_id, ''),
               model_alias, provider, currency, 'instance-' || (abs(hashtext(request_id)) % 3)::text, count(*), sum(input_uncached), sum(cache_read),
               sum(cache_write), sum(output), sum(reasoning), sum(cost_micros), sum(usage_estimated), sum(unpriced), sum(usage_suspect)
        FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
        INSERT INTO usage_series (bucket, model_alias, provider, deployment, jurisdiction, currency, instance, requests, errors, input_uncached,
                                  cache_read, cache_write, output, reasoning, cost_micros, estimated, unpriced)
        SELECT created_at - created_at % 900000, model_alias, provider, deployment, jurisdiction, currency, 'instance-' || (abs(hashtext(request_id)) % 3)::text,
               count(*), 0, sum(input_uncached), sum(cache_read), sum(cache_write), sum(output), sum(reasoning), sum(cost_micros), sum(usage_estimated), sum(unpriced)
        FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7;
        SELECT ciyuan_fold_rollups(to_char(clock_timestamp() AT TIME ZONE 'UTC' - interval '2 days', 'YYYY-MM-DD'), ciyuan_now_ms() - 2 * 86400000);
        """;

    private static async Task<string> SizesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT string_agg(format('%s %s rows (%s)', relname, to_char(n_live_tup, 'FM999,999,999'), pg_size_pretty(pg_total_relation_size(relid))), ', ' ORDER BY relname)
            FROM pg_stat_user_tables WHERE relname IN ('usage_records', 'usage_rollups', 'usage_series');
            """, connection);
        return (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = (int)timeout.TotalSeconds };
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
