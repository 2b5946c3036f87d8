using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Storage;
using Ciyuan.Testing.Servers;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The gateway on PostgreSQL with budget leases, through two faults: the database restarting
/// under load — every answer a client received is in the ledger once (its record waited and was
/// written when the database was back), requests that needed the database meanwhile got a 503, and
/// nothing stays held — and a clean stop (SIGTERM), after which the instance escrows nothing.
/// </summary>
public sealed class PostgresFaultTests
{
    private const string Run = "fault-run";
    private const long CapMicroUsd = 100_000_000;

    private static string Yaml(string database) => GatewayFixture.DefaultYaml + $$"""

        budgets:
          limits:
            - run: {{Run}}
              usd: 100
        storage:
          postgres: "{{database}}"
        """;

    [Fact]
    public async Task Chat_PostgresRestartedUnderLoad_LosesNoServedRequestAndHoldsNothing()
    {
        await using var server = await PostgresInstance.StartAsync();
        var database = await server.CreateDatabaseAsync();
        await using var gateway = await GatewayFixture.StartAsync(Yaml(database));
        gateway.Upstream.Default = new Reply { Content = "counted", PromptTokens = 10, CompletionTokens = 2, FirstByteDelay = TimeSpan.FromMilliseconds(20) };
        using var stop = new CancellationTokenSource();
        var answers = new System.Collections.Concurrent.ConcurrentQueue<(HttpStatusCode Status, string? RequestId, long At)>();
        var clock = Stopwatch.StartNew();
        var load = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            using var http = Client(gateway);
            for (var turn = 0; !stop.IsCancellationRequested; turn++)
            {
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(
                    $$"""{"model":"test-model","max_tokens":8,"messages":[{"role":"user","content":"c{{client}} t{{turn}}"}]}""", Encoding.UTF8, "application/json"));
                await response.Content.ReadAsStringAsync();
                answers.Enqueue((response.StatusCode, response.Headers.TryGetValues("X-Ciyuan-Request-Id", out var id) ? id.Single() : null, clock.ElapsedTicks));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // A refusal while the database is away comes back at once: do not spin on it.
                    await Task.Delay(20);
                }
            }
        })).ToArray();

        await UntilAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK) >= 30);
        var store = gateway.Services.GetRequiredService<IStorageBackend>();
        var mostWaiting = 0;
        var watching = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                mostWaiting = Math.Max(mostWaiting, store.Health.Backlog);
                await Task.Delay(5);
            }
        });
        await server.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await server.StartAgainAsync();
        var backAt = clock.ElapsedTicks;

        // Service resumes by itself: answers flow again after the restart.
        await UntilAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK && a.At > backAt) >= 30);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await watching;
        await UntilAsync(() => store.Health is { DatabaseReachable: true, Backlog: 0 });

        var served = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.RequestId!).ToList();
        var rows = await gateway.LedgerAsync();
        var inDoubt = (await store.BudgetLedger.ListInDoubtAsync(CancellationToken.None)).Where(h => h.ReleasedAt is null).Select(h => h.RequestId).ToList();
        var books = await BooksAsync(database);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"served {served.Count}, refused {answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)}, ledger {rows.Count}, in doubt {inDoubt.Count}, at most {mostWaiting} records waiting for the database, upstream {gateway.Upstream.Requests.Count}; {books}");

        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(rows.Count, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(served, id => Assert.Contains(id, rows.Select(r => r.RequestId)));
        Assert.Empty(inDoubt.Intersect(rows.Select(r => r.RequestId)));

        // Every request that reached the upstream is in the ledger or in doubt, never silently gone.
        Assert.Equal(gateway.Upstream.Requests.Count, rows.Count(r => r.Status == RequestStatus.Ok) + inDoubt.Count);
        Assert.Equal(0, books.Held);
        Assert.True(books.Spent + books.Held + books.Leased <= CapMicroUsd);
        Assert.Equal(rows.Sum(r => r.Cost.Value), books.Spent);
    }

    [Fact]
    public async Task Serve_OnPostgresSigterm_GivesItsBudgetSlicesBackAndIsGone()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using var upstream = await UpstreamServer.StartAsync();
        upstream.Default = new Reply { Content = "counted", PromptTokens = 10, CompletionTokens = 2 };
        using var dir = new TempDirectory();
        // The drain's grace for the load balancer is a second here (5 by default): nothing to move away.
        dir.File("ciyuan.yaml", Yaml(database).Replace("{upstream}", upstream.BaseUrl.ToString(), StringComparison.Ordinal) + """

            server:
              drain_delay_seconds: 1
            """);
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "load")).Stdout.Trim();
        var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        using (process)
        {
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            http.DefaultRequestHeaders.Add("X-Ciyuan-Run", Run);
            for (var i = 0; i < 5; i++)
            {
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(
                    """{"model":"test-model","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var serving = await BooksAsync(database);
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(patience.Token);
            var stopped = await BooksAsync(database);
            TestContext.Current.TestOutputHelper?.WriteLine($"serving: {serving}; stopped: {stopped}");

            Assert.True(serving.Leased > 0, "the instance escrowed a slice of the run's budget while it served");
            Assert.Equal(0, process.ExitCode);
            Assert.Equal((0L, 0L, 0L), (stopped.Leased, stopped.Held, stopped.Leases));
            Assert.Equal(5, stopped.Records);
            Assert.Equal(stopped.RecordedCost, stopped.Spent);
            Assert.True(stopped.Gone, "a clean stop with nothing open marks the instance gone");
        }
    }

    /// <summary>The run's line in the database: spent and held (in leases or not), what leases escrow, and whether every instance is gone.</summary>
    private sealed record Books(long Spent, long Held, long Leased, long Leases, bool Gone, long Records, long RecordedCost);

    private static async Task<Books> BooksAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT coalesce((SELECT sum(spent_micros) FROM budget_counters), 0)::bigint + coalesce((SELECT sum(spent_micros) FROM budget_leases), 0)::bigint,
                   coalesce((SELECT sum(held_micros) FROM budget_counters), 0)::bigint + coalesce((SELECT sum(held_micros) FROM budget_leases), 0)::bigint,
                   coalesce((SELECT sum(leased_micros) FROM budget_counters), 0)::bigint,
                   (SELECT count(*) FROM budget_leases),
                   coalesce((SELECT bool_and(gone) FROM instances), false),
                   (SELECT count(*) FROM usage_records), coalesce((SELECT sum(cost_micros) FROM usage_records), 0)::bigint;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Books(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetBoolean(4), reader.GetInt64(5), reader.GetInt64(6));
    }

    private static HttpClient Client(GatewayFixture gateway)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.ClientKey);
        http.DefaultRequestHeaders.Add("X-Ciyuan-Run", Run);
        return http;
    }

    /// <summary>Waits for a condition the system reaches by itself, for at most two minutes (a bound on a hung test, not a timing claim).</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1_200 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the gateway never got there");
    }
}
