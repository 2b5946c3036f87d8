using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Http;

/// <summary>
/// A thousand slow streams through the gateway at once, each on its own client connection and its
/// own upstream connection, under a budget: every one is relayed whole and leaves exactly one
/// ledger line, and no budget hold is left open. (bench/streams/run.sh does the same with ten
/// thousand and measures memory; this checks the behaviour, not the figures.)
/// </summary>
public sealed class ManyOpenStreamsTests
{
    private const int Streams = 1000;
    private const string Run = "many-streams";

    [Fact]
    public async Task Stream_AThousandSlowStreamsAtOnce_AllRelayedWholeWithOneLedgerLineEach()
    {
        // Generous upstream timeouts: a thousand connections opened at once may queue for a while on a busy machine.
        var yaml = GatewayFixture.DefaultYaml
            .Replace("first_byte_timeout_seconds: 2", "first_byte_timeout_seconds: 120", StringComparison.Ordinal)
            .Replace("timeout_seconds: 10", "timeout_seconds: 300", StringComparison.Ordinal) + $"""

            budgets:
              limits:
                - run: {Run}
                  usd: 100
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        gateway.Upstream.Default = new Reply
        {
            Content = "one two three four five",
            Chunks = 5,
            ChunkDelay = TimeSpan.FromMilliseconds(400),
            PromptTokens = 12,
            CompletionTokens = 5,
        };
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = gateway.BaseUrl,
            Timeout = TimeSpan.FromMinutes(5),
        };

        var bodies = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => StreamAsync(client, gateway.ClientKey)));

        Assert.All(bodies, body =>
        {
            var payloads = SseText.DataPayloads(body);
            Assert.Equal("[DONE]", payloads[^1]);
            Assert.Equal("one two three four five", Content(payloads));
        });
        var ledger = (await gateway.LedgerWhenAsync(Streams)).Where(r => r.RunId == Run).ToList();
        Assert.Equal(Streams, ledger.Count);
        Assert.Equal(Streams, ledger.Select(r => r.RequestId).Distinct().Count());
        Assert.All(ledger, r =>
        {
            Assert.Equal("ok", r.Status);
            Assert.True(r.Streamed);
            Assert.Equal(5, r.Usage.Output);
        });
        // The upstream counts a stream once its handler returns, just after its last byte left.
        for (var i = 0; i < 200 && gateway.Upstream.Completed < Streams; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(Streams, gateway.Upstream.Completed);

        // Every hold settled: nothing left held, and the line spent what the ledger says
        // (12 prompt tokens at $1/M and 5 output tokens at $2/M: 22 micro-USD each).
        using var admin = new HttpClient { BaseAddress = gateway.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);
        var line = JsonNode.Parse(await admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray()
            .Single(l => l!["scope"]!.GetValue<string>() == "run" && l["subject"]!.GetValue<string>() == Run)!;
        Assert.Equal("0.000000", line["held"]!.GetValue<string>());
        Assert.Equal("0.022000", line["spent"]!.GetValue<string>());
    }

    private static async Task<string> StreamAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("""{"model":"test-model","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"count"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Ciyuan-Run", Run);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
        return body;
    }

    private static string Content(IReadOnlyList<string> payloads) => string.Concat(payloads
        .Where(p => p != "[DONE]")
        .Select(p => JsonNode.Parse(p)!["choices"]!.AsArray())
        .Where(choices => choices.Count > 0)
        .Select(choices => choices[0]!["delta"]?["content"]?.GetValue<string>()));
}
