using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.State;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace Ciyuan.EndToEnd.Tests.Observability;

/// <summary>
/// <c>/metrics</c> scraped with a Prometheus text parser after a known mixed load — OpenAI chat and
/// streams, Anthropic messages and streams, fallbacks from a failing deployment, a model whose only
/// deployment fails, refusals — and every counter compared with the ledger the same load left.
/// </summary>
public sealed class MetricsTests
{
    private const string MetricsToken = "metrics-token-for-tests";

    /// <summary><c>flaky</c> falls back from a failing deployment to a good one; <c>doomed</c> has only the failing one.</summary>
    private const string Yaml = """
        server:
          metrics_token: metrics-token-for-tests
        providers:
          good: { kind: openai-compatible, base_url: "{upstream}", jurisdiction: self-hosted }
          bad: { kind: openai-compatible, base_url: "{bad}", jurisdiction: self-hosted }
        budgets:
          limits:
            - { run: metered-run, usd: 10 }
        models:
          - name: flaky
            deployments:
              - { provider: bad, model: broken, price: { input: 1.00, output: 2.00, currency: USD } }
              - { provider: good, model: upstream-model, price: { input: 1.00, output: 2.00, currency: USD } }
          - name: solo
            deployments:
              - { provider: good, model: solo-model, price: { input: 3.00, output: 15.00, cache_hit: 0.30, currency: USD } }
          - name: doomed
            max_attempts: 2
            deployments:
              - { provider: bad, model: also-broken, price: { input: 1.00, output: 2.00, currency: USD } }
        """;

    [Fact]
    public async Task Scrape_AfterMixedLoad_CountersEqualTheLedger()
    {
        await using var bad = await UpstreamServer.StartAsync();
        bad.Default = new Fail(500, """{"error":{"message":"boom","type":"server_error"}}""");
        await using var gateway = await GatewayFixture.StartAsync(Yaml.Replace("{bad}", bad.BaseUrl.ToString(), StringComparison.Ordinal));
        gateway.Upstream.Script("solo-model", new Reply { Content = "Streamed or not.", Chunks = 4, PromptTokens = 40, CompletionTokens = 12, CachedTokens = 8, ReasoningTokens = 3 });

        var openAI = new OpenAIClient(new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });
        var anthropic = new AnthropicClient(new ClientOptions { BaseUrl = gateway.BaseUrl.ToString().TrimEnd('/'), ApiKey = gateway.ClientKey, MaxRetries = 0 });
        for (var i = 0; i < 3; i++)
        {
            await openAI.GetChatClient("flaky").CompleteChatAsync([new UserChatMessage("hello")]);
            await openAI.GetChatClient("solo").CompleteChatAsync([new UserChatMessage("hello again")]);
            await foreach (var _ in openAI.GetChatClient("solo").CompleteChatStreamingAsync([new UserChatMessage("stream")]))
            {
            }
        }

        for (var i = 0; i < 2; i++)
        {
            await anthropic.Messages.Create(Ask("solo", "bonjour"));
            await foreach (var _ in anthropic.Messages.CreateStreaming(Ask("flaky", "stream please")))
            {
            }
        }

        // Two requests on a budgeted run, one model whose every attempt fails, and two refusals.
        using (var run = Chat("solo"))
        {
            run.Headers.Add("X-Ciyuan-Run", "metered-run");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(run)).StatusCode);
        }

        using (var run = Chat("flaky"))
        {
            run.Headers.Add("X-Ciyuan-Run", "metered-run");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(run)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadGateway, (await gateway.Http.SendAsync(Chat("doomed"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Http.SendAsync(Chat("no-such-model"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Http.SendAsync(Chat("no-such-model"))).StatusCode);

        var ledger = await gateway.LedgerWhenAsync(16);
        Assert.Equal(16, ledger.Count);
        var metrics = await ScrapeAsync(gateway, MetricsToken);

        // One request line per ledger line, by door, model, deployment and status.
        Assert.Equal(ledger.Count, metrics.Sum("ciyuan_requests_total"));
        foreach (var group in ledger.GroupBy(r => (r.Endpoint, r.ModelAlias, r.Deployment, r.Status)))
        {
            Assert.Equal(group.Count(), metrics.Sum("ciyuan_requests_total",
                ("door", group.Key.Endpoint), ("model", group.Key.ModelAlias), ("deployment", group.Key.Deployment), ("status", group.Key.Status)));
        }

        Assert.Equal(ledger.Count(r => r.Status == RequestStatus.UpstreamError), metrics.Sum("ciyuan_requests_total", ("status_class", "5xx")));
        Assert.Equal(2, metrics.Sum("ciyuan_requests_refused_total", ("door", "chat"), ("code", "model_not_found")));

        // Tokens in the ledger's buckets, and cost in micro-units, per model.
        foreach (var model in ledger.GroupBy(r => r.ModelAlias))
        {
            var m = ("model", model.Key);
            Assert.Equal(model.Sum(r => r.Usage.InputUncached), metrics.Sum("ciyuan_tokens_total", m, ("type", "input_uncached")));
            Assert.Equal(model.Sum(r => r.Usage.CacheRead), metrics.Sum("ciyuan_tokens_total", m, ("type", "cache_read")));
            Assert.Equal(model.Sum(r => r.Usage.Output), metrics.Sum("ciyuan_tokens_total", m, ("type", "output")));
            Assert.Equal(model.Sum(r => r.Usage.Reasoning), metrics.Sum("ciyuan_tokens_total", m, ("type", "reasoning")));
            Assert.Equal(model.Sum(r => r.Cost.Value), metrics.Sum("ciyuan_cost_micros_total", m, ("currency", "USD")));
        }

        Assert.True(ledger.Sum(r => r.Usage.CacheRead) > 0 && ledger.Sum(r => r.Cost.Value) > 0);

        // The GenAI conventions' histograms: every answered request, input including cached tokens.
        var answered = ledger.Where(r => r.Status == RequestStatus.Ok).ToList();
        Assert.Equal(answered.Sum(r => r.Usage.PromptTokens), metrics.Sum("gen_ai_client_token_usage_sum", ("gen_ai_token_type", "input")));
        Assert.Equal(answered.Sum(r => r.Usage.Output), metrics.Sum("gen_ai_client_token_usage_sum", ("gen_ai_token_type", "output")));
        Assert.Equal(answered.Count, metrics.Sum("gen_ai_client_token_usage_count", ("gen_ai_token_type", "input")));
        Assert.Equal(answered.Count(r => r.ModelAlias == "solo"), metrics.Sum("gen_ai_client_token_usage_count",
            ("gen_ai_token_type", "output"), ("gen_ai_request_model", "solo"), ("gen_ai_response_model", "solo-model"), ("gen_ai_provider_name", "openai-compatible")));
        Assert.Equal(ledger.Count, metrics.Sum("gen_ai_client_operation_duration_seconds_count"));
        Assert.Equal(ledger.Count(r => r.Status != RequestStatus.Ok), metrics.Sum("gen_ai_client_operation_duration_seconds_count", ("error_type", "upstream_error")));
        Assert.Equal(answered.Count(r => r.Streamed), metrics.Sum("gen_ai_server_time_to_first_token_seconds_count"));
        Assert.Equal("histogram", metrics.Types["gen_ai_client_token_usage"]);

        // Every failed attempt that was followed by another: the ledger's attempts beyond the first.
        Assert.Equal(ledger.Sum(r => r.Attempts - 1), metrics.Sum("ciyuan_fallback_attempts_total", ("reason", "upstream_error")));
        Assert.True(metrics.Sum("ciyuan_fallback_attempts_total") > 0);

        // The hold journal: one hold per request that reached an upstream, one note per later attempt.
        Assert.Equal(ledger.Count, metrics.Sum("ciyuan_hold_journal_appends_total", ("kind", "hold")));
        Assert.Equal(ledger.Sum(r => r.Attempts - 1), metrics.Sum("ciyuan_hold_journal_appends_total", ("kind", "attempt")));
        Assert.True(metrics.Sum("ciyuan_ledger_commit_duration_seconds_count", ("backend", "sqlite")) >= 1);
        Assert.Equal(0, metrics.Sum("ciyuan_ledger_queue_depth"));

        // The run's budget line: spent is what the run's lines cost, nothing is held or in doubt now.
        var runCost = ledger.Where(r => r.RunId == "metered-run").Sum(r => r.Cost.Value);
        var spent = Assert.Single(metrics.Where("ciyuan_budget_spent", ("currency", "USD")));
        Assert.Equal(runCost, spent.Value);
        Assert.Equal(10_000_000, metrics.Sum("ciyuan_budget_limit", ("line", spent.Labels["line"])));
        Assert.Equal(0, metrics.Sum("ciyuan_budget_held"));
        Assert.Equal(0, metrics.Sum("ciyuan_budget_in_doubt"));

        // Live state: nothing in flight, and each circuit as the router sees it.
        Assert.Equal(0, metrics.Sum("ciyuan_deployment_in_flight"));
        var routing = gateway.Services.GetRequiredService<LiveConfig>().Current.Routing;
        foreach (var deployment in routing.Table.Deployments)
        {
            var state = deployment.CircuitOf(UpstreamEndpoint.OpenAI) switch
            {
                Core.Routing.CircuitState.Open => "open",
                Core.Routing.CircuitState.HalfOpen => "half_open",
                _ => "closed",
            };
            Assert.Equal(1, metrics.Sum("ciyuan_deployment_circuit_state", ("deployment", deployment.Id), ("endpoint", "openai"), ("state", state)));
            Assert.Equal(1, metrics.Sum("ciyuan_deployment_circuit_state", ("deployment", deployment.Id), ("endpoint", "openai")));
        }

        // Bounded labels: no request id, and no key id unless metrics.per_key asks for it.
        Assert.DoesNotContain(metrics.Samples, s => s.Labels.Values.Any(v => v.StartsWith("req_", StringComparison.Ordinal) || v == gateway.KeyId || v == gateway.ClientKey));
    }

    [Fact]
    public async Task Scrape_WithoutTheTokenOrWithAClientKey_IsRefused_AndTheMasterKeyReads()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + "\nserver: { metrics_token: " + MetricsToken + " }\n");
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Http.GetAsync("metrics")).StatusCode);
        Assert.Contains("ciyuan_ledger_queue_depth", (await ScrapeAsync(gateway, GatewayFixture.MasterKey)).Samples.Select(s => s.Name));
        Assert.Contains("ciyuan_ledger_queue_depth", (await ScrapeAsync(gateway, MetricsToken)).Samples.Select(s => s.Name));
    }

    [Fact]
    public async Task Scrape_PerKeyLabels_CountEachKeysRequests()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + "\nmetrics: { per_key: true }\n");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(Chat("test-model"))).StatusCode);
        }

        var metrics = await ScrapeAsync(gateway, GatewayFixture.MasterKey);
        Assert.Equal(3, metrics.Sum("ciyuan_requests_total", ("key_id", gateway.KeyId)));
        Assert.Equal((await gateway.LedgerAsync()).Sum(r => r.Cost.Value), metrics.Sum("ciyuan_cost_micros_total", ("key_id", gateway.KeyId)));
    }

    [Fact]
    public async Task Metrics_Disabled_HasNoEndpoint()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + "\nmetrics: { enabled: false }\n");
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);

        var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("unknown_route", await response.Content.ReadAsStringAsync());
    }

    internal static async Task<PrometheusText> ScrapeAsync(GatewayFixture gateway, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage Chat(string model) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
    };

    private static MessageCreateParams Ask(string model, string text) => new()
    {
        Model = model,
        MaxTokens = 256,
        Messages = [new MessageParam(new UserMessageParam(new MessageContentParam(text, null)), null)],
    };
}
