using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>A key's budget is a cap held before dispatch: concurrent requests never overshoot it.</summary>
public sealed class KeyBudgetTests
{
    // $1 per million input and $2 per million output tokens: 16 output tokens cost 32 micro-dollars at worst.
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
                price: { input: 1.00, output: 2.00, currency: USD }
        """;

    private static StringContent Ask() => new("""{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Budget_ConcurrentRequests_NeverSpendMoreThanTheCap()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Reply { PromptTokens = 10, CompletionTokens = 16, FirstByteDelay = TimeSpan.FromMilliseconds(20) };
        var (key, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("capped") { BudgetUsd = 0.0005m }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("x-api-key", secret);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => http.PostAsync("v1/chat/completions", Ask())));

        var rows = (await gateway.LedgerAsync()).Where(r => r.KeyId == key.Id).ToList();
        var spent = rows.Sum(r => r.Cost.Value);
        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.PaymentRequired).ToList();
        Assert.True(spent <= 500, $"spent {spent} micro-USD of a 500 cap");
        Assert.Equal(40, ok + refused.Count);
        // Each hold is the prompt's ceiling (body bytes: this model has no shipped tokenizer) plus 16
        // output tokens, about 110 micro-USD, so a 500 cap lets four run at once.
        Assert.True(ok >= 4, $"only {ok} requests were served");
        Assert.NotEmpty(refused);
        var error = JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("budget_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal(ok, gateway.Upstream.Requests.Count);
    }
}
