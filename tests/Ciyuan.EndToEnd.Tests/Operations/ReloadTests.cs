using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Operations;

/// <summary>
/// A config change applied without a restart: by <c>POST /admin/reload</c> and by the file watcher.
/// Requests in flight finish on the configuration they started with, new ones use the new one, and
/// a file that is invalid or changes what cannot change live is refused and reported while the
/// gateway keeps serving.
/// </summary>
public sealed class ReloadTests
{
    /// <summary>Prices of the default config: 11 prompt and 7 completion tokens cost 11 × 1 + 7 × 2 micro-USD.</summary>
    private static readonly MicroUnits OldCost = new(25);

    /// <summary>After the reload: 11 × 3 + 7 × 4.</summary>
    private static readonly MicroUnits NewCost = new(61);

    private static string Repriced(Uri upstream) => $$"""
        providers:
          local:
            kind: openai-compatible
            base_url: "{{upstream}}"
            jurisdiction: self-hosted
            first_byte_timeout_seconds: 2
            timeout_seconds: 10
        models:
          - name: test-model
            deployments:
              - provider: local
                model: upstream-model
                price: { input: 3.00, output: 4.00, cache_hit: 0.10, currency: USD }
          - name: added-model
            deployments:
              - provider: local
                model: added-upstream
                price: { input: 1.00, output: 1.00, currency: USD }
        """;

    [Fact]
    public async Task Reload_UnderLoad_NoRequestFailsAndOnlyNewRequestsSeeNewPrices()
    {
        await using var gateway = await GatewayFixture.StartAsync(configFile: true);
        gateway.Upstream.Script("upstream-model", new Reply { Chunks = 4, ChunkDelay = TimeSpan.FromMilliseconds(60) });
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 6).Select(_ => SendUntilStoppedAsync(gateway, stop.Token)).ToArray();

        await WaitForAnswersAsync(load, () => gateway.Upstream.Completed >= 12);
        await File.WriteAllTextAsync(gateway.ConfigFile, Repriced(gateway.Upstream.BaseUrl), TestContext.Current.CancellationToken);
        var reloadAsked = DateTimeOffset.UtcNow;
        using var reload = await Admin(gateway).PostAsync("admin/reload", null, TestContext.Current.CancellationToken);
        var reloadAnswered = DateTimeOffset.UtcNow;
        var outcome = JsonNode.Parse(await reload.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var completedAtReload = gateway.Upstream.Completed;
        await WaitForAnswersAsync(load, () => gateway.Upstream.Completed >= completedAtReload + 12);
        await stop.CancelAsync();
        var sent = (await Task.WhenAll(load)).SelectMany(x => x).ToList();

        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Equal("reloaded", outcome["status"]!.GetValue<string>());
        Assert.Equal(2, outcome["generation"]!.GetValue<long>());
        Assert.Equal("api", outcome["trigger"]!.GetValue<string>());

        // Not one request failed across the swap.
        Assert.All(sent, s => Assert.True(s.Ok, $"request {s.RequestId} failed: {s.Failure}"));
        var rows = (await gateway.LedgerWhenAsync(sent.Count)).ToDictionary(r => r.RequestId, StringComparer.Ordinal);
        var before = sent.Where(s => s.StartedAt < reloadAsked).ToList();
        var after = sent.Where(s => s.StartedAt > reloadAnswered).ToList();
        Assert.NotEmpty(before);
        Assert.NotEmpty(after);

        // Requests that began on the old configuration were billed at its prices, even those that
        // finished after the swap; every request that began after it, at the new ones.
        Assert.Contains(before, s => s.EndedAt > reloadAnswered);
        Assert.All(before, s => Assert.Equal(OldCost, rows[s.RequestId!].Cost));
        Assert.All(after, s => Assert.Equal(NewCost, rows[s.RequestId!].Cost));

        // The model the reload added is served.
        using var added = await Chat(gateway.Http, "added-model", stream: false, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
    }

    [Fact]
    public async Task Reload_InvalidOrFixedChange_IsRefusedReportedAndTheRunningConfigKeepsServing()
    {
        await using var gateway = await GatewayFixture.StartAsync(configFile: true);
        var valid = await File.ReadAllTextAsync(gateway.ConfigFile, TestContext.Current.CancellationToken);
        var token = TestContext.Current.CancellationToken;

        // A deployment naming a provider that does not exist.
        await File.WriteAllTextAsync(gateway.ConfigFile, valid.Replace("- provider: local", "- provider: missing", StringComparison.Ordinal), token);
        using var invalid = await Admin(gateway).PostAsync("admin/reload", null, token);
        var refused = JsonNode.Parse(await invalid.Content.ReadAsStringAsync(token))!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.Equal("rejected", refused["status"]!.GetValue<string>());
        Assert.Equal(1, refused["generation"]!.GetValue<long>());
        Assert.StartsWith("models[0].deployments[0]", refused["error"]!["path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("missing", refused["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Still ready, still on generation 1, and it says the file on disk was refused.
        using var ready = await gateway.Http.GetAsync("readyz", token);
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync(token))!;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(1, readiness["config_generation"]!.GetValue<long>());
        Assert.Equal("rejected", readiness["last_reload"]!["status"]!.GetValue<string>());
        using var served = await Chat(gateway.Http, "test-model", stream: false, token);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // Where the gateway listens and where it keeps its books cannot change while it runs.
        await File.WriteAllTextAsync(gateway.ConfigFile, valid + "\nstorage:\n  sqlite:\n    path: elsewhere.db\n", token);
        using var storage = await Admin(gateway).PostAsync("admin/reload", null, token);
        var storageRefused = JsonNode.Parse(await storage.Content.ReadAsStringAsync(token))!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, storage.StatusCode);
        Assert.Equal("storage", storageRefused["error"]!["path"]!.GetValue<string>());
        Assert.Contains("restart", storageRefused["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The dashboard's routes are mapped at start-up: turning it off needs a restart too.
        await File.WriteAllTextAsync(gateway.ConfigFile, valid + "\nserver:\n  ui: false\n", token);
        using var ui = await Admin(gateway).PostAsync("admin/reload", null, token);
        var uiRefused = JsonNode.Parse(await ui.Content.ReadAsStringAsync(token))!;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ui.StatusCode);
        Assert.Equal("server.ui", uiRefused["error"]!["path"]!.GetValue<string>());
        Assert.Contains("restart", uiRefused["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Putting the running file back clears the report.
        await File.WriteAllTextAsync(gateway.ConfigFile, valid, token);
        using var restored = await Admin(gateway).PostAsync("admin/reload", null, token);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal("reloaded", JsonNode.Parse(await restored.Content.ReadAsStringAsync(token))!["status"]!.GetValue<string>());
        var rows = await gateway.LedgerAsync();
        Assert.Equal(OldCost, Assert.Single(rows).Cost);
    }

    [Fact]
    public async Task Reload_FileEdited_TheWatcherAppliesItWithoutBeingAsked()
    {
        await using var gateway = await GatewayFixture.StartAsync(configFile: true);
        var token = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(gateway.ConfigFile, Repriced(gateway.Upstream.BaseUrl), token);

        // The watcher sees the write at once; the periodic check would find it within seconds anyway.
        JsonNode? readiness = null;
        for (var i = 0; i < 150 && readiness?["config_generation"]?.GetValue<long>() != 2; i++)
        {
            await Task.Delay(100, token);
            readiness = JsonNode.Parse(await gateway.Http.GetStringAsync("readyz", token));
        }

        Assert.Equal(2, readiness!["config_generation"]!.GetValue<long>());
        Assert.Equal("file", readiness["last_reload"]!["trigger"]!.GetValue<string>());
        using var response = await Chat(gateway.Http, "test-model", stream: false, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(NewCost, Assert.Single(await gateway.LedgerAsync()).Cost);
    }

    private sealed record Sent(string? RequestId, DateTimeOffset StartedAt, DateTimeOffset EndedAt, bool Ok, string? Failure);

    private static HttpClient Admin(GatewayFixture gateway)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);
        return http;
    }

    private static Task<HttpResponseMessage> Chat(HttpClient http, string model, bool stream, CancellationToken cancellationToken) =>
        http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Waits until <paramref name="enough"/> holds, failing fast if a load client has already stopped (it only stops on an exception).</summary>
    private static async Task WaitForAnswersAsync(Task<List<Sent>>[] load, Func<bool> enough)
    {
        for (var i = 0; i < 600 && !enough(); i++)
        {
            Assert.DoesNotContain(load, t => t.IsFaulted);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(enough(), "the load did not make progress in 30 s");
    }

    /// <summary>One client sending streamed requests back to back until stopped, noting when each began and ended.</summary>
    private static async Task<List<Sent>> SendUntilStoppedAsync(GatewayFixture gateway, CancellationToken stop)
    {
        var sent = new List<Sent>();
        while (!stop.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            using var response = await Chat(gateway.Http, "test-model", stream: true, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var ok = response.StatusCode == HttpStatusCode.OK && body.Contains("data: [DONE]", StringComparison.Ordinal) && !body.Contains("\"error\"", StringComparison.Ordinal);
            var id = response.Headers.TryGetValues("X-Ciyuan-Request-Id", out var ids) ? ids.Single() : null;
            sent.Add(new Sent(id, started, DateTimeOffset.UtcNow, ok, ok ? null : $"{(int)response.StatusCode} {body}"));
        }

        return sent;
    }
}
