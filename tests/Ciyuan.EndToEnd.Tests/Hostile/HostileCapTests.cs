using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Hostile;

/// <summary>
/// A valid key trying to spend past its cap with standard request fields, against an upstream that
/// honours them as vLLM does. At $100 / $1000 per million input / output tokens, every token counts.
/// </summary>
public sealed class HostileCapTests
{
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
        models:
          - name: m
            deployments:
              - provider: local
                model: x
                price: { input: 100, output: 1000, currency: USD }
        """;

    private static async Task<(GatewayFixture Gateway, HttpClient Http, string KeyId)> CappedAsync(decimal budgetUsd)
    {
        var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Honour { PromptTokens = 20 };
        var (key, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("capped") { BudgetUsd = budgetUsd }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("Authorization", "Bearer " + secret);
        return (gateway, http, key.Id);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string json) =>
        http.PostAsync("v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task N_IsPartOfTheWorstCase_SoAHundredChoicesDoNotFitTheCap()
    {
        var (gateway, http, keyId) = await CappedAsync(0.05m);
        await using var _ = gateway;
        using var __ = http;

        var refused = await PostAsync(http, """{"model":"m","max_tokens":5,"n":100,"messages":[{"role":"user","content":"hi"}]}""");
        var served = await PostAsync(http, """{"model":"m","max_tokens":5,"n":2,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Single(gateway.Upstream.Requests);
        var row = Assert.Single(await gateway.LedgerAsync(), r => r.KeyId == keyId);
        Assert.Equal(10, row.Usage.Output);
        Assert.False(row.UsageSuspect);
    }

    [Theory]
    [InlineData("""{"model":"m","max_completion_tokens":200,"max_tokens":-1000000000,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"m","max_tokens":1,"max_tokens":"200","messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "duplicate_key")]
    [InlineData("""{"model":"m","max_tokens":1e18,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"m","max_tokens":10,"n":0,"messages":[{"role":"user","content":"hi"}]}""", "n", "invalid_value")]
    [InlineData("""{"model":"m","max_tokens":10.5,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens", "invalid_value")]
    public async Task TokenFieldsThatALaxParserReadsDifferently_AreRefusedNamingTheField(string json, string field, string code)
    {
        var (gateway, http, _) = await CappedAsync(0.01m);
        await using var _ = gateway;
        using var __ = http;

        var response = await PostAsync(http, json);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, error["param"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Empty(gateway.Upstream.Requests);
        Assert.Empty(await gateway.LedgerAsync());
    }

    [Fact]
    public async Task MaxCompletionTokens_AboveMaxTokens_IsWhatTheHoldCounts()
    {
        // An upstream honouring max_completion_tokens would generate 200 tokens ($0.20): a $0.01 cap must refuse it.
        var (gateway, http, _) = await CappedAsync(0.01m);
        await using var _ = gateway;
        using var __ = http;

        var response = await PostAsync(http, """{"model":"m","max_completion_tokens":200,"max_tokens":1,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task ThinkingBudget_AddsToTheHold()
    {
        // 10 output tokens fit a $0.05 cap; a thinking budget of 100 more does not.
        var (gateway, http, _) = await CappedAsync(0.05m);
        await using var _ = gateway;
        using var __ = http;

        var response = await PostAsync(http, """{"model":"m","max_tokens":10,"thinking_budget":100,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task ImagesByUrl_AreHeldAtTheirTokenCost()
    {
        // A 60-byte image URL may cost thousands of tokens: at $100 per million input tokens the
        // allowance alone outweighs a $0.5 cap, although the body is tiny.
        var (gateway, http, _) = await CappedAsync(0.5m);
        await using var _ = gateway;
        using var __ = http;

        var response = await PostAsync(http, """{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.invalid/cat.png"}}]}]}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    [Fact]
    public async Task ManyLegalRequests_NeverSpendPastTheCap_AndTheLedgerEqualsWhatWasServed()
    {
        var (gateway, http, keyId) = await CappedAsync(0.05m);
        await using var _ = gateway;
        using var __ = http;
        var random = new Random(11);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            var n = random.Next(1, 4);
            var max = random.Next(1, 12);
            var field = random.Next(2) == 0 ? "max_tokens" : "max_completion_tokens";
            var stream = random.Next(2) == 0 ? "true" : "false";
            var response = await PostAsync(http, $$"""{"model":"m","{{field}}":{{max}},"n":{{n}},"stream":{{stream}},"messages":[{"role":"user","content":"hi"}]}""");
            await response.Content.ReadAsStringAsync();
            statuses.Add(response.StatusCode);
        }

        var rows = (await gateway.LedgerAsync()).Where(r => r.KeyId == keyId).ToList();
        Assert.True(rows.Sum(r => r.Cost.Value) <= 50_000, $"spent {rows.Sum(r => r.Cost.Value)} micro-USD of a 50,000 cap");
        Assert.Contains(HttpStatusCode.PaymentRequired, statuses);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), gateway.Upstream.Requests.Count);
        Assert.Equal(gateway.Upstream.Requests.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(RequestStatus.Ok, r.Status));
        Assert.All(rows, r => Assert.False(r.UsageSuspect));
    }
}
