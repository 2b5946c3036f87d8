using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Providers;

/// <summary>
/// The same condition reaches the client the same way whatever the vendor said: one vocabulary
/// in each door's own shape, with the vendor's code kept as <c>provider_code</c>.
/// </summary>
public sealed class ErrorVocabularyTests
{
    public static TheoryData<string, int, string, int, string, string> VendorErrors => new()
    {
        // vendor case, upstream status, upstream body, OpenAI-door status, code, provider_code
        { "deepseek-402-balance", 402, """{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}""", 429, "insufficient_quota", "invalid_request_error" },
        { "kimi-429-quota", 429, """{"error":{"type":"exceeded_current_quota_error","message":"Your account is suspended, please check your plan and billing details"}}""", 429, "insufficient_quota", "exceeded_current_quota_error" },
        { "glm-429-1113", 429, """{"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."}}""", 429, "insufficient_quota", "1113" },
        { "qwen-400-arrearage", 400, """{"error":{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","type":"Arrearage"}}""", 429, "insufficient_quota", "Arrearage" },
        { "ark-403-overdue", 403, """{"error":{"code":"AccountOverdueError","message":"The account is overdue.","type":"Forbidden"}}""", 429, "insufficient_quota", "AccountOverdueError" },
        { "deepseek-400-content", 400, """{"error":{"message":"Content Exists Risk","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""", 400, "content_filter", "invalid_request_error" },
        { "qwen-400-inspection", 400, """{"error":{"code":"data_inspection_failed","param":null,"message":"Input data may contain inappropriate content.","type":"data_inspection_failed"},"id":"chatcmpl-1"}""", 400, "content_filter", "data_inspection_failed" },
        { "stepfun-451", 451, """{"error":{"message":"moderation","type":"content_moderation"}}""", 400, "content_filter", "content_moderation" },
        { "kimi-400-context", 400, """{"error":{"type":"invalid_request_error","message":"Your request exceeded model token limit: 262144 (requested: 300000)"}}""", 400, "context_length_exceeded", "invalid_request_error" },
        { "glm-400-1261", 400, """{"error":{"code":"1261","message":"Prompt exceeds max length"}}""", 400, "context_length_exceeded", "1261" },
        { "kimi-429-rate", 429, """{"error":{"type":"rate_limit_reached_error","message":"Your account reached its RPM limit"}}""", 429, "rate_limit_exceeded", "rate_limit_reached_error" },
        { "kimi-401-key", 401, """{"error":{"type":"invalid_authentication_error","message":"Invalid Authentication"}}""", 502, "upstream_auth_failed", "invalid_authentication_error" },
    };

    private static Task<HttpResponseMessage> PostChatAsync(GatewayFixture gateway) =>
        gateway.Http.PostAsync("v1/chat/completions", new StringContent("""{"model":"test-model","messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> PostMessagesAsync(GatewayFixture gateway) =>
        gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent("""{"model":"test-model","max_tokens":32,"messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
            Headers = { { "anthropic-version", "2023-06-01" } },
        });

    [Theory]
    [MemberData(nameof(VendorErrors))]
    public async Task Chat_VendorError_IsOneCodeWithTheVendorsCodeKept(string vendorCase, int upstreamStatus, string body, int status, string code, string providerCode)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(upstreamStatus, body);

        var response = await PostChatAsync(gateway);

        Assert.True(status == (int)response.StatusCode, vendorCase);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("local", error["provider"]!.GetValue<string>());
        Assert.Equal(providerCode, error["provider_code"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(VendorErrors))]
    public async Task Responses_VendorError_IsOpenAIShapedWithTheSameVocabulary(string vendorCase, int upstreamStatus, string body, int status, string code, string providerCode)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(upstreamStatus, body);

        var response = await gateway.Http.PostAsync("v1/responses", new StringContent("""{"model":"test-model","input":"Hello"}""", Encoding.UTF8, "application/json"));

        Assert.True(status == (int)response.StatusCode, vendorCase);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("local", error["provider"]!.GetValue<string>());
        Assert.Equal(providerCode, error["provider_code"]!.GetValue<string>());
        Assert.DoesNotContain(await gateway.LedgerWhenAsync(1), row => row.Status == Core.Metering.RequestStatus.Ok || row.Cost.Value != 0);
    }

    [Fact]
    public async Task Chat_VendorRateLimitWithoutRetryAfter_StillTellsTheClientWhenToRetry()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(429, """{"error":{"type":"rate_limit_reached_error","message":"slow down"}}""");

        var response = await PostChatAsync(gateway);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData(400, """{"error":{"code":"Arrearage","message":"Access denied.","type":"Arrearage"}}""", 402, "billing_error", "insufficient_quota", "Arrearage")]
    [InlineData(429, """{"error":{"type":"rate_limit_reached_error","message":"slow down"}}""", 429, "rate_limit_error", "rate_limit_exceeded", "rate_limit_reached_error")]
    [InlineData(400, """{"error":{"code":"1261","message":"Prompt exceeds max length"}}""", 400, "invalid_request_error", "context_length_exceeded", "1261")]
    [InlineData(401, """{"error":{"message":"Incorrect API key provided","type":"invalid_api_key"}}""", 502, "api_error", "upstream_auth_failed", "invalid_api_key")]
    public async Task Messages_VendorError_IsAnthropicShapedWithTheSameVocabulary(int upstreamStatus, string body, int status, string type, string code, string providerCode)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Fail(upstreamStatus, body);

        var response = await PostMessagesAsync(gateway);

        Assert.Equal(status, (int)response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("error", json["type"]!.GetValue<string>());
        var error = json["error"]!;
        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal("local", error["provider"]!.GetValue<string>());
        Assert.Equal(providerCode, error["provider_code"]!.GetValue<string>());
        if (status == 429)
        {
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task Chat_MiniMaxBalanceErrorInA200Body_IsOutOfBalance()
    {
        await using var gateway = await GatewayFixture.StartAsync("""
            providers:
              mm:
                kind: minimax
                base_url: "{upstream}"
                api_key: provider-secret
            models:
              - name: test-model
                deployments:
                  - provider: mm
                    model: MiniMax-M2.7
                    price: { input: 0.30, output: 1.20, currency: USD }
            """);
        gateway.Upstream.Default = new Raw(200, "application/json", """{"base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}""");

        var response = await PostChatAsync(gateway);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("insufficient_quota", error["code"]!.GetValue<string>());
        Assert.Equal("1008", error["provider_code"]!.GetValue<string>());
    }
}
