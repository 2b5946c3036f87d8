using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Dashboard;

/// <summary>
/// A gateway set up for the dashboard: a USD and a CNY deployment (different jurisdictions), a
/// failing one, provider keys that must never be shown, the budget time zone in Shanghai, and
/// traffic with cache hits, errors and runs.
/// </summary>
internal static class DashboardGateway
{
    public const string ProviderSecret = "sk-provider-secret-0123456789abcdef";
    public const string CnProviderSecret = "sk-cn-provider-secret-fedcba9876543210";

    public const string Yaml = """
        budgets:
          time_zone: Asia/Shanghai
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
            jurisdiction: self-hosted
            api_key: "sk-provider-secret-0123456789abcdef"
            first_byte_timeout_seconds: 2
            timeout_seconds: 10
          cnhost:
            kind: openai-compatible
            base_url: "{upstream}"
            jurisdiction: cn
            api_key: "sk-cn-provider-secret-fedcba9876543210"
        routing:
          max_attempts: 1
        models:
          - name: test-model
            deployments:
              - provider: local
                model: upstream-model
                price: { input: 1.00, output: 2.00, cache_hit: 0.10, currency: USD }
          - name: cny-model
            deployments:
              - provider: cnhost
                model: cny-upstream
                price: { input: 2.00, output: 8.00, cache_hit: 0.50, currency: CNY }
          - name: flaky-model
            deployments:
              - provider: local
                model: flaky-upstream
                price: { input: 1.00, output: 2.00, currency: USD }
        """;

    public static async Task<GatewayFixture> StartAsync()
    {
        var upstream = await UpstreamServer.StartAsync();
        upstream.Script("upstream-model", new Reply { PromptTokens = 100, CachedTokens = 40, CompletionTokens = 20, ReasoningTokens = 5 });
        upstream.Script("cny-upstream", new Reply { PromptTokens = 50, CompletionTokens = 10 });
        upstream.Script("flaky-upstream", new Fail(500, """{"error":{"message":"upstream broke","type":"server_error"}}"""));
        return await GatewayFixture.StartAsync(Yaml, upstream: upstream);
    }

    /// <summary>Sends <paramref name="count"/> requests: mostly USD, some CNY, some failing, a few in a run, some streamed.</summary>
    public static async Task SendTrafficAsync(GatewayFixture gateway, int count, string run = "run-a")
    {
        for (var i = 0; i < count; i++)
        {
            // Failures stay rare enough that the flaky deployment's circuit never opens (then a request would leave no ledger line).
            var model = (i % 10) switch { 3 or 8 => "cny-model", 4 => "flaky-model", _ => "test-model" };
            var stream = i % 2 == 1 ? "true" : "false";
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"{{model}}","stream":{{stream}},"max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            if (i % 3 == 0)
            {
                request.Headers.Add("X-Ciyuan-Run", run);
            }

            using var response = await gateway.Http.SendAsync(request);
            await response.Content.ReadAsStringAsync();
        }
    }

    /// <summary>An HTTP client signed in to the dashboard, and the session's CSRF token.</summary>
    public static async Task<(HttpClient Client, string Csrf)> SignInAsync(GatewayFixture gateway, string secret)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = gateway.BaseUrl };
        using var response = await client.PostAsJsonAsync("ui/api/session", new { secret });
        response.EnsureSuccessStatusCode();
        var session = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (client, session["csrf_token"]!.GetValue<string>());
    }
}
