using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using Npgsql;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// Three gateway processes behind nginx on one PostgreSQL and one Redis, all spending one run's
/// budget; one of them is killed (SIGKILL) under load. Afterwards: the budget holds (spent, held
/// and leased within the cap, nothing left held), every answer a client received is in the ledger
/// exactly once, the requests the dead instance had in flight — and only those — are in doubt,
/// every request any instance sent upstream is in the ledger or in doubt, and the two survivors
/// serve every request nginx sends them.
/// </summary>
[Collection(NginxCluster.Collection)]
public sealed class ClusterKillTests
{
    private const string Run = "cluster-run";
    private const long CapMicroUsd = 100_000_000;

    private static readonly string Yaml = GatewayFixture.DefaultYaml + $$"""

        budgets:
          limits:
            - run: {{Run}}
              usd: 100
        projects:
          cluster: { rpm: 100000 }
        """;

    /// <summary>Short enough that the test sees a dead instance's holds found and its slices return.</summary>
    private const string Storage = """
          orphan_after_seconds: 2
          leases:
            seconds: 2
            slice_seconds: 1
        """;

    [Fact]
    public async Task Chat_OneOfThreeInstancesKilledUnderLoad_KeepsTheBooksExactAndServiceResumes()
    {
        var reply = new Reply { Content = "counted", PromptTokens = 10, CompletionTokens = 2, FirstByteDelay = TimeSpan.FromMilliseconds(40) };
        // The key belongs to a project with a shared rate limit, so every request also counts in Redis.
        await using var cluster = await NginxCluster.StartAsync(Yaml, Storage, reply, 3, "--project", "cluster");
        var answers = new ConcurrentQueue<Answer>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var load = Enumerable.Range(0, 24).Select(client => Task.Run(async () =>
        {
            using var http = Client(cluster);
            for (var turn = 0; !stop.IsCancellationRequested; turn++)
            {
                var sentAt = clock.Elapsed;
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(
                    $$"""{"model":"test-model","max_tokens":8,"messages":[{"role":"user","content":"c{{client}} t{{turn}}"}]}""", Encoding.UTF8, "application/json"));
                await response.Content.ReadAsStringAsync();
                answers.Enqueue(new Answer(response.StatusCode, response.Headers.TryGetValues("X-Ciyuan-Request-Id", out var id) ? id.Single() : null, sentAt, clock.Elapsed));
            }
        })).ToArray();

        await UntilAsync(() => Task.FromResult(answers.Count(a => a.Status == HttpStatusCode.OK) >= 150));
        var dead = cluster.Instances[1];
        cluster.Kill(dead);
        var killedAt = clock.Elapsed;   // the process is gone by now, not just signalled

        // Service resumes by itself: the survivors answer what nginx sends them.
        await UntilAsync(() => Task.FromResult(answers.Count(a => a.Status == HttpStatusCode.OK && a.SentAt > killedAt) >= 300));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // The dead instance's holds are found in doubt and its slice returns once the database's
        // clock says it is dead; nothing is left open.
        await UntilAsync(async () => (await OpenHoldsAsync(cluster.Database)) == 0 && (await LeaseRowsAsync(cluster.Database, dead.IdPattern)) == 0);

        var ledger = await LedgerAsync(cluster.Database);
        var inDoubt = await InDoubtAsync(cluster.Database);
        var books = await BooksAsync(cluster.Database);
        var served = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.RequestId!).ToList();
        var cutOff = answers.Count(a => a.Status != HttpStatusCode.OK);
        var sentUpstream = cluster.Instances.Select(i => i.Upstream.Requests.Count).ToArray();
        var ledgerBy = cluster.Instances.Select(i => ledger.Count(r => r.Instance.Contains(i.IdPattern.Trim('%'), StringComparison.Ordinal))).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"answers {answers.Count} (200: {served.Count}, cut off: {cutOff}), ledger {ledger.Count}, in doubt {inDoubt.Count}, " +
            $"upstream per instance [{string.Join(", ", sentUpstream)}], ledger per instance [{string.Join(", ", ledgerBy)}]; {books}");

        // No overspend, nothing held, every micro-dollar accounted for.
        Assert.True(books.Spent + books.Held + books.Leased <= CapMicroUsd, $"{books} exceeds the cap");
        Assert.Equal(0, books.Held);
        Assert.Equal(ledger.Sum(r => r.Cost) + inDoubt.Sum(h => h.Amount), books.Spent);

        // No lost or duplicated ledger line.
        Assert.Equal(ledger.Count, ledger.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(served, id => Assert.Contains(id, ledger.Select(r => r.RequestId)));
        Assert.Equal(served.Count, served.Distinct(StringComparer.Ordinal).Count());

        // In doubt: exactly what the dead instance had in flight. All its holds; none a client was
        // answered for; no more than the answers cut off; and every request it sent upstream without
        // a ledger line among them. (How many were in flight is up to timing: a kill between a
        // record's commit and its answer leaves an answer cut off and nothing in doubt.)
        Assert.All(inDoubt, h => Assert.Contains(dead.IdPattern.Trim('%'), h.Instance, StringComparison.Ordinal));
        Assert.Empty(inDoubt.Select(h => h.RequestId).Intersect(served));
        Assert.InRange(inDoubt.Count, sentUpstream[1] - ledgerBy[1], cutOff);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.BadGateway, a.Status));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.True(a.SentAt <= killedAt, "only requests sent before the kill were cut off"));

        // The survivors lost nothing: each request they sent upstream is in the ledger.
        Assert.Equal((sentUpstream[0], sentUpstream[2]), (ledgerBy[0], ledgerBy[2]));
    }

    private sealed record Answer(HttpStatusCode Status, string? RequestId, TimeSpan SentAt, TimeSpan AnsweredAt);

    private sealed record LedgerRow(string RequestId, long Cost, string Instance);

    private sealed record InDoubtRow(string RequestId, long Amount, string Instance);

    private sealed record Books(long Spent, long Held, long Leased);

    private static HttpClient Client(NginxCluster cluster)
    {
        var http = new HttpClient { BaseAddress = cluster.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.ClientKey);
        http.DefaultRequestHeaders.Add("X-Ciyuan-Run", Run);
        return http;
    }

    /// <summary>Each usage record with the instance that held its budget.</summary>
    private static Task<List<LedgerRow>> LedgerAsync(string database) => RowsAsync(database, """
        SELECT u.request_id, u.cost_micros, h.instance FROM usage_records u
        JOIN budget_entries h ON h.request_id = u.request_id AND h.kind = 'hold' AND h.seq = 0;
        """, r => new LedgerRow(r.GetString(0), r.GetInt64(1), r.GetString(2)));

    private static Task<List<InDoubtRow>> InDoubtAsync(string database) => RowsAsync(database, """
        SELECT h.request_id, h.amount_micros, h.instance FROM budget_entries d
        JOIN budget_entries h ON h.request_id = d.request_id AND h.kind = 'hold' AND h.seq = 0
        WHERE d.kind = 'in_doubt';
        """, r => new InDoubtRow(r.GetString(0), r.GetInt64(1), r.GetString(2)));

    private static async Task<Books> BooksAsync(string database) => (await RowsAsync(database, """
        SELECT coalesce((SELECT sum(spent_micros) FROM budget_counters), 0)::bigint + coalesce((SELECT sum(spent_micros) FROM budget_leases), 0)::bigint,
               coalesce((SELECT sum(held_micros) FROM budget_counters), 0)::bigint + coalesce((SELECT sum(held_micros) FROM budget_leases), 0)::bigint,
               coalesce((SELECT sum(leased_micros) FROM budget_counters), 0)::bigint;
        """, r => new Books(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)))).Single();

    /// <summary>Holds neither settled, released, in doubt nor recorded.</summary>
    private static async Task<long> OpenHoldsAsync(string database) => (await RowsAsync(database, """
        SELECT count(*) FROM budget_entries h
        WHERE h.kind = 'hold' AND h.seq = 0
          AND NOT EXISTS (SELECT 1 FROM budget_entries e WHERE e.request_id = h.request_id AND e.kind IN ('commit', 'release', 'in_doubt'))
          AND NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = h.request_id);
        """, r => r.GetInt64(0))).Single();

    private static async Task<long> LeaseRowsAsync(string database, string instancePattern) =>
        (await RowsAsync(database, "SELECT count(*) FROM budget_leases WHERE instance LIKE $1;", r => r.GetInt64(0), instancePattern)).Single();

    private static async Task<List<T>> RowsAsync<T>(string database, string sql, Func<NpgsqlDataReader, T> read, params object[] values)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Waits for a state the system reaches by itself, for at most two minutes (a bound on a hung test, not a timing claim).</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 1_200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.True(await condition(), "the cluster never got there");
    }
}
