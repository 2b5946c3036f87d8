using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>Bad input and failing upstreams get a precise OpenAI-shaped error, and the ledger stays exact.</summary>
public sealed class ChatErrorTests
{
    private const string Hello = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonObject Error, HttpResponseMessage Response)> PostAsync(HttpClient http, string body, string path = "v1/chat/completions")
    {
        var response = await http.PostAsync(path, Json(body));
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(text)!["error"]!.AsObject();
        return (response.StatusCode, error, response);
    }

    [Fact]
    public async Task Chat_MalformedJson_Returns400NamingTheProblem()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (status, error, _) = await PostAsync(gateway.Http, """{"model":"test-model","messages":[""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Contains("not valid JSON", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Chat_WrongContentType_Returns415()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var response = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(Hello, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MissingModel_Returns400WithParam()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var (status, error, _) = await PostAsync(gateway.Http, """{"messages":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("model", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_NoKey_Returns401SayingHowToAuthenticate()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = gateway.BaseUrl };

        var (status, error, _) = await PostAsync(anonymous, Hello);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("Authorization: Bearer", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_XApiKeyHeader_IsAccepted()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("x-api-key", gateway.ClientKey);

        var response = await http.PostAsync("v1/chat/completions", Json(Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Chat_RevokedKey_IsRefusedAtOnce()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.PostAsync("v1/chat/completions", Json(Hello))).StatusCode);
        using var admin = new HttpClient { BaseAddress = gateway.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayFixture.MasterKey);

        var revoke = await admin.DeleteAsync($"admin/keys/{gateway.KeyId}");
        var (status, _, _) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Chat_BodyOverLimit_Returns413()
    {
        var yaml = GatewayFixture.DefaultYaml.Replace("providers:", "server:\n  max_body_bytes: 2048\nproviders:", StringComparison.Ordinal);
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        var big = $$"""{"model":"test-model","messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""";

        var (status, error, _) = await PostAsync(gateway.Http, big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("2,048", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Chat_BodyOverLimitWithoutContentLength_Returns413()
    {
        var yaml = GatewayFixture.DefaultYaml.Replace("providers:", "server:\n  max_body_bytes: 2048\nproviders:", StringComparison.Ordinal);
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        var big = Encoding.UTF8.GetBytes($$"""{"model":"test-model","messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""");
        var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Chat_UpstreamUnreachable_Returns502NamingTheProvider()
    {
        var upstream = await UpstreamServer.StartAsync();
        var deadUrl = upstream.BaseUrl.ToString();
        await upstream.DisposeAsync();
        var yaml = GatewayFixture.DefaultYaml.Replace("{upstream}", deadUrl, StringComparison.Ordinal);
        await using var gateway = await GatewayFixture.StartAsync(yaml);

        var (status, error, _) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("'local'", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("upstream_unreachable", error["code"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.Unreachable, row.Status);
        Assert.Equal(0, row.Cost.Value);
    }

    [Fact]
    public async Task Chat_UpstreamHangs_Returns504AfterTheFirstByteDeadline()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Hang();

        var (status, error, _) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("upstream_timeout", error["code"]!.GetValue<string>());
        Assert.Equal(RequestStatus.Unreachable, Assert.Single(await gateway.LedgerAsync()).Status);
    }

    [Theory]
    [InlineData(400, """{"error":{"message":"Content Exists Risk","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""", "Content Exists Risk", 400, "content_filter")]
    [InlineData(402, """{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}""", "Insufficient Balance", 429, "insufficient_quota")]
    [InlineData(429, """{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}""", "overloaded", 503, "upstream_overloaded")]
    [InlineData(500, """{"object":"error","message":"CUDA out of memory","type":"InternalServerError","param":null,"code":500}""", "CUDA out of memory", 502, "upstream_error")]
    public async Task Chat_UpstreamError_AnswersInTheVocabularyWithTheProviderMessage(int upstreamStatus, string body, string expectedMessage, int expectedStatus, string expectedCode)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(upstreamStatus, body);

        var (status, error, _) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(expectedStatus, (int)status);
        Assert.Equal(expectedCode, error["code"]!.GetValue<string>());
        Assert.Contains(expectedMessage, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("local", error["provider"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.UpstreamError, row.Status);
        Assert.Equal(0, row.Cost.Value);
    }

    [Fact]
    public async Task Chat_UpstreamRateLimited_PassesRetryAfterThrough()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(429, """{"error":{"message":"slow down","type":"rate_limit_reached_error"}}""", RetryAfterSeconds: 7);

        var (status, _, response) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Chat_UpstreamReturnsGarbage_Returns502AndBillsNothing()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Raw(200, "application/json", "<html>oops</html>");

        var (status, error, _) = await PostAsync(gateway.Http, Hello);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("not a JSON object", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Assert.Single(await gateway.LedgerAsync()).Cost.Value);
    }

    [Fact]
    public async Task Chat_FirstDeploymentFails_FallsBackToTheNextBeforeAnyByteIsSent()
    {
        var yaml = """
            providers:
              local:
                kind: openai-compatible
                base_url: "{upstream}"
            models:
              - name: test-model
                deployments:
                  - provider: local
                    model: broken
                  - provider: local
                    model: healthy
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        gateway.Upstream.Script("broken", new Fail(503, """{"error":{"message":"overloaded","type":"overloaded_error"}}"""));

        var response = await gateway.Http.PostAsync("v1/chat/completions", Json(Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Ciyuan-Attempts").Single());
        Assert.Equal("local/healthy", response.Headers.GetValues("X-Ciyuan-Deployment").Single());
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(2, row.Attempts);
        Assert.Equal("local/healthy", row.Deployment);
    }

    [Fact]
    public async Task Chat_UpstreamBalanceError_MovesToAnotherDeploymentButNeverRetriesTheSameOne()
    {
        var yaml = """
            providers:
              local:
                kind: openai-compatible
                base_url: "{upstream}"
            models:
              - name: test-model
                deployments:
                  - provider: local
                    model: broke
                  - provider: local
                    model: healthy
            """;
        await using var gateway = await GatewayFixture.StartAsync(yaml);
        gateway.Upstream.Script("broke", new Fail(402, """{"error":{"message":"Insufficient Balance","type":"unknown_error"}}"""));

        var response = await gateway.Http.PostAsync("v1/chat/completions", Json(Hello));
        var again = await gateway.Http.PostAsync("v1/chat/completions", Json(Hello));

        // Another account may have balance; the broke one is never asked twice for the same request.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("local/healthy", response.Headers.GetValues("X-Ciyuan-Deployment").Single());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, gateway.Upstream.Requests.Take(2).Count(r => r.Json["model"]!.GetValue<string>() == "broke"));
    }

    [Fact]
    public async Task Chat_KeyOverItsRequestsPerMinute_Gets429WithRetryAfter()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var (_, secret) = await gateway.Services.GetRequiredService<Ciyuan.Gateway.Keys.KeyService>().CreateAsync(new Ciyuan.Gateway.Keys.KeySpec("limited") { RequestsPerMinute = 3 }, CancellationToken.None);
        await gateway.Services.GetRequiredService<Ciyuan.Gateway.Keys.KeyCache>().ReloadAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Add("x-api-key", secret);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await http.PostAsync("v1/chat/completions", Json(Hello));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(last!.Headers.RetryAfter?.Delta);
        Assert.Equal(3, gateway.Upstream.Requests.Count);
        Assert.Equal(3, (await gateway.LedgerAsync()).Count);
    }
}
