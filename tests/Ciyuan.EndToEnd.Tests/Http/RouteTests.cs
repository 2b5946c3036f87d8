using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using OpenAI;
using OpenAI.Models;

namespace Ciyuan.EndToEnd.Tests.Http;

/// <summary>The base URL, unknown routes and model retrieval answer like the APIs clients expect.</summary>
public sealed class RouteTests
{
    private static async Task<(HttpResponseMessage Response, JsonObject Body)> SendAsync(GatewayFixture gateway, HttpMethod method, string path, string? anthropicVersion = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (anthropicVersion is not null)
        {
            request.Headers.Add("anthropic-version", anthropicVersion);
        }

        var response = await gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Head_BaseUrl_Answers()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (response, _) = await SendAsync(gateway, HttpMethod.Head, "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownOpenAIRoute_IsAJsonNotFoundInOpenAIShape()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (response, body) = await SendAsync(gateway, HttpMethod.Post, "v1/completions");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("unknown_route", body["error"]!["code"]!.GetValue<string>());
        Assert.Contains("/v1/completions", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownAnthropicRoute_IsAJsonNotFoundInAnthropicShape()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (response, body) = await SendAsync(gateway, HttpMethod.Post, "v1/messages/batches", "2023-06-01");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal("not_found_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_KnownRouteWithTheWrongMethod_Is405NamingTheMethod()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (response, body) = await SendAsync(gateway, HttpMethod.Get, "v1/chat/completions");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Equal("method_not_allowed", body["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetModel_OpenAISdkRetrieve_ReturnsTheModelOrNotFound()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });

        OpenAIModel model = await client.GetModelAsync("test-model");
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("no-such-model"));

        Assert.Equal("test-model", model.Id);
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task GetModels_WithAnthropicVersion_ListsInAnthropicShapeWithPaging()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (response, body) = await SendAsync(gateway, HttpMethod.Get, "v1/models?limit=1", "2023-06-01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var model = Assert.Single(body["data"]!.AsArray())!;
        Assert.Equal("model", model["type"]!.GetValue<string>());
        Assert.Equal("test-model", model["id"]!.GetValue<string>());
        Assert.Equal("test-model", model["display_name"]!.GetValue<string>());
        Assert.Equal("1970-01-01T00:00:00Z", model["created_at"]!.GetValue<string>());
        Assert.False(body["has_more"]!.GetValue<bool>());
        Assert.Equal("test-model", body["first_id"]!.GetValue<string>());
        Assert.Equal("test-model", body["last_id"]!.GetValue<string>());
    }
}
