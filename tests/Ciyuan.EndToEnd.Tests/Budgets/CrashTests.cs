using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Servers;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>
/// The crash test: <c>ciyuan serve</c> runs as a process under load and is killed with SIGKILL at
/// random moments, several rounds; after a restart the ledger must account for every request.
/// </summary>
public sealed class CrashTests
{
    private const int Clients = 16;
    private const int Rounds = 4;

    private static string Config(Uri upstream, string storage) => GatewayFixture.DefaultYaml.Replace("{upstream}", upstream.ToString(), StringComparison.Ordinal) + """

        budgets:
          limits:
            - run: crash-run
              usd: 100
        """ + storage;

    [Fact]
    public Task Serve_KilledUnderLoad_SettlesEveryAnswerOnceAndHoldsTheRestInDoubt() => KillUnderLoadAsync("", TimeSpan.Zero);

    /// <summary>
    /// The same on PostgreSQL: a dead instance's holds are taken for orphans once it has missed its
    /// heartbeats for <c>orphan_after_seconds</c>, so each restart waits that long first.
    /// </summary>
    [Fact]
    public async Task Serve_OnPostgres_KilledUnderLoad_SettlesEveryAnswerOnceAndHoldsTheRestInDoubt()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await KillUnderLoadAsync($$"""

            storage:
              postgres: "{{database}}"
              orphan_after_seconds: 2
            """, TimeSpan.FromSeconds(2.5));
    }

    private static async Task KillUnderLoadAsync(string storage, TimeSpan waitBeforeRestart)
    {
        await using var upstream = await UpstreamServer.StartAsync();
        upstream.Default = new Reply { Content = "counted", Chunks = 2, PromptTokens = 10, CompletionTokens = 2, FirstByteDelay = TimeSpan.FromMilliseconds(15) };
        using var dir = new TempDirectory();
        dir.File("ciyuan.yaml", Config(upstream.BaseUrl, storage));
        var secret = (await CiyuanProcess.RunAsync(dir.Path, null, "keys", "create", "--name", "load")).Stdout.Trim();
        var received = new List<string>();
        var cut = 0;

        for (var round = 0; round < Rounds; round++)
        {
            await Task.Delay(waitBeforeRestart);
            var (process, baseUrl) = await CiyuanProcess.StartServeAsync(dir.Path, null);
            using (process)
            {
                using var stop = new CancellationTokenSource();
                var answered = new StrongBox<int>();
                var load = Enumerable.Range(0, Clients).Select(client => SendUntilCutAsync(baseUrl, secret, client, answered, stop.Token)).ToArray();

                // A random moment once answers are flowing (on a loaded machine the first ones take a while).
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(300, 900)));
                for (var wait = 0; wait < 300 && Volatile.Read(ref answered.Value) == 0; wait++)
                {
                    await Task.Delay(100);
                }

                process.Kill();   // SIGKILL: no shutdown hooks, no flush.
                await process.WaitForExitAsync();
                await stop.CancelAsync();
                foreach (var result in await Task.WhenAll(load))
                {
                    received.AddRange(result.Received);
                    cut += result.Cut;
                }
            }
        }

        // One more start reconciles the last round's orphans; then the books are read offline.
        await Task.Delay(waitBeforeRestart);
        var (final, _) = await CiyuanProcess.StartServeAsync(dir.Path, null);
        final.Kill();
        await final.WaitForExitAsync();
        final.Dispose();

        var usage = JsonNode.Parse((await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--by", "run", "--run", "crash-run", "--json")).Stdout)!;
        var rows = usage["requests"]!.AsArray().Select(r => (
            RequestId: r!["request_id"]!.GetValue<string>(),
            Status: r["status"]!.GetValue<string>(),
            Usage: new TokenUsage(r["input_uncached"]!.GetValue<long>(), r["cache_read"]!.GetValue<long>(), r["cache_write"]!.GetValue<long>(), r["output"]!.GetValue<long>(), r["reasoning"]!.GetValue<long>()))).ToList();
        var inDoubtJson = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--in-doubt", "--json");
        var inDoubt = JsonNode.Parse(inDoubtJson.Stdout)!["in_doubt"]!.AsArray().Select(h => h!["request_id"]!.GetValue<string>()).ToList();
        var settled = rows.Where(r => r.Status == RequestStatus.Ok).ToList();
        var settledIds = settled.Select(r => r.RequestId).ToHashSet(StringComparer.Ordinal);
        var upstreamReceived = upstream.Requests.Count;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"received {received.Count}, cut {cut}, settled {settled.Count}, in doubt {inDoubt.Count}, upstream received {upstreamReceived}");

        // Every answer a client received in full is settled exactly once, with its exact usage.
        Assert.NotEmpty(received);
        Assert.All(received, id => Assert.Contains(id, settledIds));
        Assert.All(settled, r => Assert.Equal(new TokenUsage(10, 0, 0, 2, 0), r.Usage));
        Assert.Equal(rows.Count, rows.Select(r => r.RequestId).Distinct(StringComparer.Ordinal).Count());

        // Nothing is both settled and in doubt, and nothing is in doubt twice.
        Assert.Empty(inDoubt.Intersect(settledIds, StringComparer.Ordinal));
        Assert.Equal(inDoubt.Count, inDoubt.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEmpty(inDoubt);

        // Settled answers the clients never finished reading, and in-doubt holds whose request the
        // kill stopped before the upstream got it, can only be among the requests the kill cut.
        Assert.InRange(settled.Count - received.Count, 0, cut);
        Assert.InRange(settled.Count + inDoubt.Count - upstreamReceived, 0, cut);
        Assert.True(upstreamReceived >= settled.Count, $"{settled.Count} settled but the upstream saw {upstreamReceived}");
        Assert.DoesNotContain(rows, r => r.Status != RequestStatus.Ok);

        // An operator releases one in-doubt request; it is listed as released from then on.
        var release = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "release", inDoubt[0]);
        var again = await CiyuanProcess.RunAsync(dir.Path, null, "usage", "release", inDoubt[0]);
        var after = JsonNode.Parse((await CiyuanProcess.RunAsync(dir.Path, null, "usage", "--in-doubt", "--json")).Stdout)!["in_doubt"]!.AsArray();
        Assert.Equal(0, release.ExitCode);
        Assert.Equal(1, again.ExitCode);
        Assert.NotNull(after.Single(h => h!["request_id"]!.GetValue<string>() == inDoubt[0])!["released_at"]!.GetValue<string>());
    }

    private sealed record LoadResult(List<string> Received, int Cut);

    /// <summary>One client sending back to back (streamed and not, alternately) until its connection is cut.</summary>
    private static async Task<LoadResult> SendUntilCutAsync(Uri baseUrl, string secret, int client, StrongBox<int> answered, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        http.DefaultRequestHeaders.Add("X-Ciyuan-Run", "crash-run");
        var received = new List<string>();
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            var stream = (client + turn) % 2 == 0;
            var body = $$"""{"model":"test-model","stream":{{(stream ? "true" : "false")}},"max_tokens":8,"messages":[{"role":"user","content":"c{{client}} t{{turn}}"}]}""";
            try
            {
                using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var complete = response.StatusCode == HttpStatusCode.OK && (stream ? text.Contains("data: [DONE]", StringComparison.Ordinal) : JsonNode.Parse(text)?["usage"] is not null);
                if (!complete)
                {
                    return new LoadResult(received, 1);
                }

                received.Add(response.Headers.GetValues("X-Ciyuan-Request-Id").Single());
                Interlocked.Increment(ref answered.Value);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                return new LoadResult(received, 1);
            }
        }

        return new LoadResult(received, 0);
    }
}
