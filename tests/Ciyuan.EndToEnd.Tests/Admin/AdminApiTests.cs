using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Admin;

/// <summary>The <c>/admin</c> API behind the master key.</summary>
public sealed class AdminApiTests
{
    private static HttpClient Admin(GatewayFixture gateway, string key = GatewayFixture.MasterKey)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    [Fact]
    public async Task CreateKey_ReturnsTheKeyOnceAndItWorksImmediately()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = Admin(gateway);

        var created = await admin.PostAsync("admin/keys", new StringContent("""{"name":"svc","budget_usd":12.5,"rpm":100}""", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var secret = body["key"]!.GetValue<string>();
        using var client = new HttpClient { BaseAddress = gateway.BaseUrl };
        client.DefaultRequestHeaders.Add("x-api-key", secret);
        var chat = await client.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[]}""", Encoding.UTF8, "application/json"));
        var list = await admin.GetStringAsync("admin/keys");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("12.500000", body["budget_usd"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Contains("\"svc\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_WrongMasterKeyOrClientKey_IsRefused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var wrong = Admin(gateway, "guess");
        using var client = Admin(gateway, gateway.ClientKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("admin/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("admin/keys")).StatusCode);
    }

    [Fact]
    public async Task Admin_WithoutMasterKeyConfigured_IsDisabledWithAClearMessage()
    {
        await using var gateway = await GatewayFixture.StartAsync(masterKey: null);
        using var admin = Admin(gateway, "anything");

        var response = await admin.GetAsync("admin/keys");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("CIYUAN_MASTER_KEY", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_GroupsByKeyAndProvider()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            (await gateway.Http.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[]}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        using var admin = Admin(gateway);
        var byKey = JsonNode.Parse(await admin.GetStringAsync("admin/usage?by=key"))!["rows"]![0]!;
        var byProvider = JsonNode.Parse(await admin.GetStringAsync("admin/usage?by=provider"))!["rows"]![0]!;
        var bad = await admin.GetAsync("admin/usage?by=planet");

        Assert.Equal(gateway.KeyId, byKey["group"]!.GetValue<string>());
        Assert.Equal(2, byKey["requests"]!.GetValue<int>());
        Assert.Equal("local", byProvider["group"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Models_ListsTheAliasesAndHealthEndpointsAnswer()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var models = JsonNode.Parse(await gateway.Http.GetStringAsync("v1/models"))!;
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };

        Assert.Equal("test-model", models["data"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task CreateKey_WithUnknownPolicy_IsRefused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = Admin(gateway);

        var response = await admin.PostAsync("admin/keys", new StringContent("""{"name":"x","policy":"nope"}""", Encoding.UTF8, "application/json"));
        var allowed = await admin.PostAsync("admin/keys", new StringContent("""{"name":"y","policy":"local-only"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("local-only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }
}
