using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Anthropic;

/// <summary>Where Messages requests go for providers with overridden hosts, and whose health a failure counts against.</summary>
public sealed class EndpointResolutionTests
{
    private const string AnthropicBody = """{"model":"m","max_tokens":64,"messages":[{"role":"user","content":"Hello"}]}""";
    private const string ChatBody = """{"model":"m","messages":[{"role":"user","content":"Hello"}]}""";

    private static string Yaml(string providerLines) => $$"""
        routing:
          max_attempts: 1
        providers:
          p:
        {{providerLines}}
            api_key: provider-secret
            first_byte_timeout_seconds: 2
        models:
          - name: m
            deployments:
              - provider: p
                model: upstream-m
                price: { input: 1.00, output: 2.00, currency: USD }
        """;

    private static Task<HttpResponseMessage> MessagesAsync(GatewayFixture gateway) =>
        gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent(AnthropicBody, System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "anthropic-version", "2023-06-01" } },
        });

    [Fact]
    public async Task Messages_HostedVendorWithPrivateBaseUrl_IsTranslatedToThatHostNeverTheCatalogs()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml("""
                kind: deepseek
                base_url: "{upstream}"
            """));

        var response = await MessagesAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer provider-secret", sent.Header("authorization"));
    }

    [Fact]
    public async Task Messages_AnthropicKindWithOnlyBaseUrl_GoesToThatBase()
    {
        var upstream = await UpstreamServer.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(Yaml($"""
                kind: anthropic
                base_url: "{upstream.AnthropicBaseUrl}"
            """), upstream: upstream);

        var response = await MessagesAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("/anthropic/v1/messages", sent.Path);
        Assert.Equal("provider-secret", sent.Header("x-api-key"));
    }

    [Fact]
    public async Task Messages_UnreachableMessagesHost_ErrorNamesTheHostDialled()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml("""
                kind: deepseek
                base_url: "{upstream}"
                anthropic_base_url: http://127.0.0.1:9/anthropic
            """));

        var response = await MessagesAsync(gateway);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("api_error", error["type"]!.GetValue<string>());
        Assert.Contains("http://127.0.0.1:9", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Upstream.BaseUrl.Authority, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MessagesEndpointFailing_OpenAIDialectEndpointStaysInRouting()
    {
        var failingMessages = await UpstreamServer.StartAsync();
        await using var _ = failingMessages;
        failingMessages.Default = new Fail(500, """{"type":"error","error":{"type":"api_error","message":"Internal error"}}""");
        await using var gateway = await GatewayFixture.StartAsync(Yaml($$"""
                kind: deepseek
                base_url: "{upstream}"
                anthropic_base_url: "{{failingMessages.AnthropicBaseUrl}}"
            """));

        // Enough failures on the Messages endpoint to open its circuit; the Anthropic door then
        // answers 529 (its "no deployment available") without calling the upstream.
        const HttpStatusCode noDeployment = (HttpStatusCode)529;
        HttpStatusCode last = default;
        for (var i = 0; i < 8 && last != noDeployment; i++)
        {
            last = (await MessagesAsync(gateway)).StatusCode;
        }

        Assert.Equal(noDeployment, last);
        var chat = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(ChatBody, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal("/v1/chat/completions", Assert.Single(gateway.Upstream.Requests).Path);
    }
}
