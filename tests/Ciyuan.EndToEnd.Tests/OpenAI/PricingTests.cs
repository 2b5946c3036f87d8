using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>A deployment with no price is never a silent $0: it is flagged, or refused by config.</summary>
public sealed class PricingTests
{
    private const string Unpriced = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
        models:
          - name: free-or-not
            deployments:
              - provider: local
                model: no-price-anywhere
        """;

    private static StringContent Hello(string model) =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Chat_UnpricedDeployment_IsServedAndFlaggedUnpriced()
    {
        await using var gateway = await GatewayFixture.StartAsync(Unpriced);

        var response = await gateway.Http.PostAsync("v1/chat/completions", Hello("free-or-not"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Ciyuan-Cost-Usd"));
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.True(row.Unpriced);
        Assert.Equal(0, row.Cost.Value);
    }

    [Fact]
    public async Task Chat_UnpricedDeploymentWithRefuseUnpriced_IsRefusedNamingTheModel()
    {
        await using var gateway = await GatewayFixture.StartAsync("server:\n  refuse_unpriced: true\n" + Unpriced);

        var response = await gateway.Http.PostAsync("v1/chat/completions", Hello("free-or-not"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("model_unpriced", error["code"]!.GetValue<string>());
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Models_ShowCatalogFactsAndPrices()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var model = JsonNode.Parse(await gateway.Http.GetStringAsync("v1/models"))!["data"]![0]!;
        var pricing = model["deployments"]![0]!["pricing"]!;

        Assert.Equal("USD", pricing["currency"]!.GetValue<string>());
        Assert.Equal(1.00m, pricing["input"]!.GetValue<decimal>());
        Assert.Equal(2.00m, pricing["output"]!.GetValue<decimal>());
    }
}
