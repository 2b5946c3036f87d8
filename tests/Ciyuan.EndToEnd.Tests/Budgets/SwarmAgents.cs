using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>Simulated sub-agents of one run, and the budget they share (used by the SQLite and PostgreSQL swarm tests).</summary>
internal static class SwarmAgents
{
    public const int Agents = 300;
    public const long RunBudgetMicroUsd = 1_000_000;

    /// <summary>$10 in and $1,000 out per million tokens: a 40-token prompt with 10 output tokens costs $0.0104.</summary>
    public const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            jurisdiction: self-hosted
            timeout_seconds: 30
        models:
          - name: swarm-model
            deployments:
              - provider: local
                model: upstream-swarm
                price: { input: 10, output: 1000, currency: USD }
        """;

    public static Reply SwarmReply => new() { PromptTokens = 40, CompletionTokens = 10, FirstByteDelay = TimeSpan.FromMilliseconds(3) };

    /// <summary>Creates a $1.00 total budget on the run through the admin API.</summary>
    public static async Task CreateRunBudgetAsync(Uri baseUrl, string runId)
    {
        using var admin = AdminClient(baseUrl);
        var created = await admin.PostAsync("admin/budgets", new StringContent($$"""{"scope":"run","subject":"{{runId}}","usd":1.00}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public static async Task<JsonNode> ReadBudgetAsync(Uri baseUrl, string runId)
    {
        using var admin = AdminClient(baseUrl);
        var list = JsonNode.Parse(await admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray();
        return list.Single(b => b!["subject"]!.GetValue<string>() == runId)!;
    }

    /// <summary>What the swarm saw: answers served, and agents stopped by a budget error (any other answer fails the test).</summary>
    public sealed record SwarmOutcome(int Served, int RefusedForBudget);

    /// <summary>
    /// Starts <see cref="Agents"/> agents spread over the gateways; each asks in a loop until refused.
    /// </summary>
    public static async Task<SwarmOutcome> RunSwarmAsync(IReadOnlyList<Uri> gateways, string clientKey, string runId)
    {
        var clients = gateways.Select(url =>
        {
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Agents }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            http.DefaultRequestHeaders.Add("X-Ciyuan-Run", runId);
            return http;
        }).ToArray();
        var served = 0;
        var refused = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Agents).Select(async agent =>
            {
                var http = clients[agent % clients.Length];
                for (var turn = 0; ; turn++)
                {
                    var body = $$"""{"model":"swarm-model","max_tokens":10,"messages":[{"role":"user","content":"agent {{agent}} turn {{turn}}"}]}""";
                    using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref served);
                        continue;
                    }

                    Assert.True(response.StatusCode == HttpStatusCode.PaymentRequired, $"agent {agent} got {(int)response.StatusCode}: {text}");
                    var error = JsonNode.Parse(text)!["error"]!;
                    Assert.Equal("budget_exceeded", error["code"]!.GetValue<string>());
                    Assert.Contains($"run '{runId}'", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
                    Interlocked.Increment(ref refused);
                    return;
                }
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        return new SwarmOutcome(served, refused);
    }

    private static HttpClient AdminClient(Uri baseUrl)
    {
        var admin = new HttpClient { BaseAddress = baseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);
        return admin;
    }
}
