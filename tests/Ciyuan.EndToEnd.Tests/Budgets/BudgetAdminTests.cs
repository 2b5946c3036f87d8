using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Budgets;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Gateway.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.Budgets;

/// <summary>Budgets on projects, keys and runs through the admin API and the config file, as a client and an operator see them.</summary>
public sealed class BudgetAdminTests
{
    private static HttpClient Admin(GatewayFixture gateway)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);
        return http;
    }

    private static async Task<HttpClient> ClientInProjectAsync(GatewayFixture gateway, string project)
    {
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("team") { Project = project }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent Chat(string model = "test-model") => Json($$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");

    [Fact]
    public async Task ProjectBudget_CreateReadChangeDelete_AppliesAtOnce()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = Admin(gateway);
        using var client = await ClientInProjectAsync(gateway, "research");

        var created = await admin.PostAsync("admin/budgets", Json("""{"scope":"project","subject":"research","usd":0.001}"""));
        var line = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = line["id"]!.GetValue<string>();
        var first = await client.PostAsync("v1/chat/completions", Chat());
        var afterOne = JsonNode.Parse(await admin.GetStringAsync($"admin/budgets/{id}"))!;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("0.001000", line["limit"]!.GetValue<string>());
        Assert.Equal("0.001000", line["remaining"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // 11 prompt tokens at $1/M and 7 output tokens at $2/M: 25 micro-USD.
        Assert.Equal("0.000025", afterOne["spent"]!.GetValue<string>());
        Assert.Equal("0.000975", afterOne["remaining"]!.GetValue<string>());

        var changed = await admin.PatchAsync($"admin/budgets/{id}", Json("""{"usd":0.00005}"""));
        var refused = await client.PostAsync("v1/chat/completions", Chat());
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal("budget_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("insufficient_quota", error["type"]!.GetValue<string>());
        Assert.Contains("project 'research' (total) has 0.000025 USD left of 0.000050 USD", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var deleted = await admin.DeleteAsync($"admin/budgets/{id}");
        var again = await client.PostAsync("v1/chat/completions", Chat());

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, gateway.Upstream.Requests.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"admin/budgets/{id}")).StatusCode);
    }

    [Fact]
    public async Task ConfigBudget_PerModelLimit_CapsOnlyThatModel()
    {
        await using var gateway = await GatewayFixture.StartAsync("""
            providers:
              local: { kind: openai-compatible, base_url: "{upstream}", jurisdiction: self-hosted }
            models:
              - name: cheap
                deployments: [ { provider: local, model: a, price: { input: 1, output: 2, currency: USD } } ]
              - name: dear
                deployments: [ { provider: local, model: b, price: { input: 1, output: 2, currency: USD } } ]
            budgets:
              limits:
                - project: research
                  usd: 10
                  models: { dear: 0 }
            """);
        using var client = await ClientInProjectAsync(gateway, "research");
        using var admin = Admin(gateway);

        var cheap = await client.PostAsync("v1/chat/completions", Chat("cheap"));
        var dear = await client.PostAsync("v1/chat/completions", Chat("dear"));
        var message = JsonNode.Parse(await dear.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        var patchConfig = await admin.PatchAsync("admin/budgets/config:project:research:total", Json("""{"usd":99}"""));

        Assert.Equal(HttpStatusCode.OK, cheap.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, dear.StatusCode);
        Assert.Contains("project 'research' for model 'dear' (total)", message, StringComparison.Ordinal);
        Assert.Single(gateway.Upstream.Requests);
        Assert.Equal(HttpStatusCode.Conflict, patchConfig.StatusCode);
    }

    [Fact]
    public async Task KeyBudget_OnTheAnthropicRoute_IsABillingErrorInThatDialect()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var (_, secret) = await gateway.Services.GetRequiredService<KeyService>().CreateAsync(new KeySpec("tiny") { BudgetUsd = 0.000001m }, CancellationToken.None);
        await gateway.Services.GetRequiredService<KeyCache>().ReloadAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("x-api-key", secret);

        var response = await http.PostAsync("v1/messages", Json("""{"model":"test-model","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("billing_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Contains("key '", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task DailyBudget_InATimeZone_ReportsTheLocalDaysWindow()
    {
        await using var gateway = await GatewayFixture.StartAsync(GatewayFixture.DefaultYaml + """

            budgets:
              time_zone: Asia/Shanghai
              limits:
                - project: research
                  cny: 50
                  period: daily
            """);
        using var admin = Admin(gateway);

        var list = JsonNode.Parse(await admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray();
        var line = list.Single(l => l!["id"]!.GetValue<string>() == "config:project:research:daily")!;
        var expected = BudgetWindows.StartOf(BudgetPeriod.Daily, DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

        Assert.Equal(expected, DateTimeOffset.Parse(line["window_start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromHours(8), DateTimeOffset.Parse(line["window_start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Offset);
        Assert.Equal("CNY", line["currency"]!.GetValue<string>());
        Assert.Equal("config", line["source"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"scope":"team","subject":"x","usd":1}""", "scope")]
    [InlineData("""{"scope":"run","usd":1}""", "subject")]
    [InlineData("""{"scope":"run","subject":"x"}""", "exactly one amount")]
    [InlineData("""{"scope":"run","subject":"x","usd":1,"cny":1}""", "exactly one amount")]
    [InlineData("""{"scope":"run","subject":"x","usd":-1}""", "exactly one amount")]
    [InlineData("""{"scope":"run","subject":"x","usd":1,"period":"weekly"}""", "period")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task CreateBudget_BadBody_Is400NamingTheProblem(string body, string expected)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = Admin(gateway);

        var response = await admin.PostAsync("admin/budgets", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(await admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray());
    }

    [Fact]
    public async Task RunReport_ListsTheRunsRequestsWithTokensAndCost()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = Admin(gateway);
        gateway.Http.DefaultRequestHeaders.Add("X-Ciyuan-Run", "run-42");
        for (var i = 0; i < 3; i++)
        {
            (await gateway.Http.PostAsync("v1/chat/completions", Chat())).EnsureSuccessStatusCode();
        }

        var report = JsonNode.Parse(await admin.GetStringAsync("admin/usage?by=run&run=run-42"))!;
        var missing = await admin.PostAsync("admin/in-doubt/req_nope/release", Json("{}"));

        var row = Assert.Single(report["rows"]!.AsArray())!;
        Assert.Equal("run-42", row["group"]!.GetValue<string>());
        Assert.Equal(3, row["requests"]!.GetValue<int>());
        Assert.Equal("0.000075", row["cost"]!.GetValue<string>());
        var requests = report["requests"]!.AsArray();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(7, r!["output"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
