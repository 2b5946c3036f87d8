using System.Diagnostics;
using System.Globalization;
using Ciyuan.Core.Configuration;
using Ciyuan.Core.Metering;
using Ciyuan.Storage;
using Ciyuan.Storage.Postgres;
using Npgsql;

namespace Ciyuan.Benchmarks.Storage;

/// <summary>
/// One hot budget shared by three instances on one PostgreSQL, measured end to end rather than
/// per call (which BenchmarkDotNet cannot do across instances and the database's own counters):
/// <list type="bullet">
/// <item>reservations + settlements a second: three instances in this process, each with many
/// requests in flight, all on the same three budget lines (key, project, run);</item>
/// <item>PostgreSQL transactions per request: <c>pg_stat_database</c>'s commits and rollbacks for a
/// database of the run's own, less what opening and closing three instances costs;</item>
/// <item>idle quietness: the same count for three instances left alone.</item>
/// </list>
/// The statistics are read from another database's connection, after the instances closed (a
/// backend reports its counts when it ends), so the reading itself is not counted.
/// Usage: <c>hot-budget [seconds=10] [in-flight per instance=256] [idle seconds=30] [warm-up seconds=20]</c>, with
/// <c>CIYUAN_BENCH_POSTGRES</c> a connection string to a server where the run may create databases.
/// </summary>
internal static class HotBudgetRun
{
    private const int Instances = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var inFlight = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
        var idleSeconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var warmSeconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
        var server = Environment.GetEnvironmentVariable("CIYUAN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("Set CIYUAN_BENCH_POSTGRES to an Npgsql connection string of a server where this run may create databases.");

        var baseline = await MeasureAsync(server, async _ => await Task.CompletedTask.ConfigureAwait(false)).ConfigureAwait(false);
        Console.WriteLine($"open + close of {Instances} instances: {baseline.Transactions} transactions");

        long served = 0;
        long measured = 0;
        var elapsed = TimeSpan.Zero;
        var load = await MeasureAsync(server, async stores =>
        {
            // The first requests on each instance take its first slices.
            await Task.WhenAll(stores.Select(s => ReserveAndCommit.OneAsync(s, "warm-" + Guid.NewGuid().ToString("N")))).ConfigureAwait(false);

            // Then the same load throughout; the first seconds are not timed, so that what is
            // measured is the steady state (code compiled at its final tier, pools and slices grown),
            // as a gateway that has been up for a while runs. Their requests count for transactions.
            var clock = Stopwatch.StartNew();
            var warm = TimeSpan.FromSeconds(warmSeconds);
            var until = warm + TimeSpan.FromSeconds(seconds);
            var timing = Task.Run(async () =>
            {
                await Task.Delay(warm).ConfigureAwait(false);
                var before = Interlocked.Read(ref served);
                var watch = Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                measured = Interlocked.Read(ref served) - before;
                elapsed = watch.Elapsed;
            });
            await Task.WhenAll(stores.SelectMany((store, i) => Enumerable.Range(0, inFlight).Select(w => Task.Run(async () =>
            {
                for (var n = 0; clock.Elapsed < until; n++)
                {
                    await ReserveAndCommit.OneAsync(store, $"hot-{i}-{w}-{n}").ConfigureAwait(false);
                    Interlocked.Increment(ref served);
                }
            })))).ConfigureAwait(false);
            await timing.ConfigureAwait(false);
        }).ConfigureAwait(false);
        var requests = served + Instances;
        Console.WriteLine($"load: {measured:N0} reservations + settlements in {elapsed.TotalSeconds:F1} s = {measured / elapsed.TotalSeconds:N0} / s " +
            $"({Instances} instances x {inFlight} in flight, one budget on 3 lines, after {warmSeconds} s of the same load untimed)");
        Console.WriteLine($"load: {load.Transactions - baseline.Transactions:N0} PostgreSQL transactions for {requests:N0} requests (warm-up included) = " +
            $"{(double)(load.Transactions - baseline.Transactions) / requests:F4} per request");

        if (idleSeconds <= 0)
        {
            return 0;
        }

        var idle = await MeasureAsync(server, stores => Task.Delay(TimeSpan.FromSeconds(idleSeconds))).ConfigureAwait(false);
        Console.WriteLine($"idle: {idle.Transactions - baseline.Transactions} transactions in {idleSeconds} s from {Instances} idle instances = " +
            $"{(double)(idle.Transactions - baseline.Transactions) / idleSeconds:F2} / s");
        return 0;
    }

    private sealed record Measured(long Transactions);

    /// <summary>A database of its own, three instances opened on it, <paramref name="work"/>, the instances closed; then its transaction count.</summary>
    private static async Task<Measured> MeasureAsync(string server, Func<IReadOnlyList<IStorageBackend>, Task> work)
    {
        var name = "ciyuan_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE {name};").ConfigureAwait(false);
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 100 }.ConnectionString;
        var stores = new List<IStorageBackend>();
        var directory = Path.Combine(Path.GetTempPath(), name);
        for (var i = 0; i < Instances; i++)
        {
            stores.Add(await PostgresBackend.OpenAsync(new StorageOptions
            {
                Config = StorageConfig.Default with { PostgresConnectionString = database },
                DataDirectory = directory,
                InstanceId = $"bench-{i}",
                Currency = new CurrencyConverter(0.14m),
            }, CancellationToken.None).ConfigureAwait(false));
        }

        await work(stores).ConfigureAwait(false);
        foreach (var store in stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        NpgsqlConnection.ClearAllPools();
        var transactions = await TransactionsWhenClosedAsync(server, name).ConfigureAwait(false);
        await ExecuteAsync(server, $"DROP DATABASE {name} WITH (FORCE);").ConfigureAwait(false);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        return new Measured(transactions);
    }

    /// <summary>Commits and rollbacks of the database once no backend is connected to it (each reports its counts as it ends).</summary>
    private static async Task<long> TransactionsWhenClosedAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync().ConfigureAwait(false);
        for (var i = 0; i < 600; i++)
        {
            await using var open = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1;", connection) { Parameters = { new() { Value = name } } };
            if ((long)(await open.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                break;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        // Each statement here is a transaction of its own, so it reads the statistics afresh.
        await using var read = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1;", connection)
        {
            Parameters = { new() { Value = name } },
        };
        return (long)(await read.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
