using System.Diagnostics;
using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;
using Ciyuan.Storage.Postgres;
using Ciyuan.Storage.Sqlite;
using Npgsql;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// What the budget adds to one request's latency, one request at a time (one connection): the hold
/// made durable before the request would leave, then the usage record that settles it — on SQLite,
/// then on PostgreSQL with budget leases — as percentiles of many sequential requests after a warm-up.
/// Usage: <c>budget-latency [requests=3000] [warm-up=500]</c>, with <c>CIYUAN_BENCH_POSTGRES</c> a
/// connection string to a server where the run may create a database.
/// </summary>
internal static class BudgetLatencyRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3000;
        var warm = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var server = Environment.GetEnvironmentVariable("CIYUAN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("Set CIYUAN_BENCH_POSTGRES to an Npgsql connection string of a server where this run may create databases.");

        var directory = Path.Combine(Path.GetTempPath(), "ciyuan-latency-" + Guid.NewGuid().ToString("N")[..12]);
        var sqlite = await SqliteBackend.OpenAsync(Options(StorageConfig.Default, directory), CancellationToken.None).ConfigureAwait(false);
        var onSqlite = await MeasureAsync(sqlite, "sqlite", requests, warm).ConfigureAwait(false);
        await sqlite.DisposeAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);

        var name = "ciyuan_latency_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE {name};").ConfigureAwait(false);
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var postgres = await PostgresBackend.OpenAsync(Options(StorageConfig.Default with { PostgresConnectionString = database }, directory), CancellationToken.None).ConfigureAwait(false);
        var onPostgres = await MeasureAsync(postgres, "postgres", requests, warm).ConfigureAwait(false);
        await postgres.DisposeAsync().ConfigureAwait(false);
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(server, $"DROP DATABASE {name} WITH (FORCE);").ConfigureAwait(false);

        foreach (var (label, run) in new[] { ("SQLite", onSqlite), ("PostgreSQL", onPostgres) })
        {
            Console.WriteLine($"{label,-10} reserve + settle, 1 at a time, {requests:N0} requests: p50 {run.P50:F3} ms, p90 {run.P90:F3} ms, p99 {run.P99:F3} ms");
        }

        Console.WriteLine($"PostgreSQL adds {onPostgres.P50 - onSqlite.P50:F3} ms at p50 over SQLite");
        return 0;
    }

    private sealed record Percentiles(double P50, double P90, double P99);

    private static async Task<Percentiles> MeasureAsync(IStorageBackend store, string prefix, int requests, int warm)
    {
        var times = new double[requests];
        for (var i = -warm; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await ReserveAndCommit.OneAsync(store, $"{prefix}-{i}").ConfigureAwait(false);
            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        Array.Sort(times);
        return new Percentiles(times[requests / 2], times[requests * 9 / 10], times[requests * 99 / 100]);
    }

    private static StorageOptions Options(StorageConfig config, string directory) => new()
    {
        Config = config,
        DataDirectory = directory,
        InstanceId = "latency-" + Guid.NewGuid().ToString("N")[..8],
        Currency = new CurrencyConverter(0.14m),
    };

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
