using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ciyuan.Core.Providers;
using Ciyuan.Providers.Http;

namespace Ciyuan.Providers.Tests.Http;

public sealed class ProviderErrorReaderTests
{
    /// <summary>Vendor, HTTP status, body, expected kind, message, upstream code, upstream type.</summary>
    public static TheoryData<string, int, string, ProviderFailureKind, string, string?, string?> VendorErrors => new()
    {
        // docs/vendors.md, "Error bodies as vendors send them".
        {
            "deepseek-402-balance", 402,
            """{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}""",
            ProviderFailureKind.OutOfBalance, "Insufficient Balance", "invalid_request_error", "unknown_error"
        },
        {
            "deepseek-400-content-risk", 400,
            """{"error":{"message":"Content Exists Risk","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}""",
            ProviderFailureKind.ContentFiltered, "Content Exists Risk", "invalid_request_error", "invalid_request_error"
        },
        {
            "qwen-400-data-inspection", 400,
            """{"error":{"code":"data_inspection_failed","param":null,"message":"Input data may contain inappropriate content.","type":"data_inspection_failed"},"id":"chatcmpl-1"}""",
            ProviderFailureKind.ContentFiltered, "Input data may contain inappropriate content.", "data_inspection_failed", "data_inspection_failed"
        },
        {
            "qwen-400-arrearage", 400,
            """{"error":{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","type":"Arrearage"}}""",
            ProviderFailureKind.OutOfBalance, "Access denied, please make sure your account is in good standing.", "Arrearage", "Arrearage"
        },
        {
            "glm-429-1113-balance", 429,
            """{"error":{"code":"1113","message":"Insufficient balance or no resource package. Please recharge."}}""",
            ProviderFailureKind.OutOfBalance, "Insufficient balance or no resource package. Please recharge.", "1113", null
        },
        {
            "kimi-429-engine-overloaded", 429,
            """{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}""",
            ProviderFailureKind.Overloaded, "The engine is currently overloaded, please try again later", null, "engine_overloaded_error"
        },

        // Kimi / Moonshot.
        {
            "kimi-429-exceeded-quota", 429,
            """{"error":{"message":"Your account is suspended, please check your plan and billing details","type":"exceeded_current_quota_error"}}""",
            ProviderFailureKind.OutOfBalance, "Your account is suspended, please check your plan and billing details", null, "exceeded_current_quota_error"
        },
        {
            "kimi-429-rate-limit", 429,
            """{"error":{"message":"Your account org-1 request reached max RPM: 3","type":"rate_limit_reached_error"}}""",
            ProviderFailureKind.RateLimited, "Your account org-1 request reached max RPM: 3", null, "rate_limit_reached_error"
        },
        {
            "kimi-400-content-filter", 400,
            """{"error":{"message":"The request was rejected because it was considered high risk","type":"content_filter"}}""",
            ProviderFailureKind.ContentFiltered, "The request was rejected because it was considered high risk", null, "content_filter"
        },
        {
            "kimi-400-token-limit", 400,
            """{"error":{"message":"Invalid request: Your request exceeded model token limit: 262144 (requested: 300000)","type":"invalid_request_error"}}""",
            ProviderFailureKind.ContextTooLong, "Invalid request: Your request exceeded model token limit: 262144 (requested: 300000)", null, "invalid_request_error"
        },
        {
            "kimi-401-auth", 401,
            """{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}""",
            ProviderFailureKind.Authentication, "Invalid Authentication", null, "invalid_authentication_error"
        },

        // GLM business codes.
        {
            "glm-400-1261-prompt-too-long", 400,
            """{"error":{"code":"1261","message":"Prompt exceeds max length"}}""",
            ProviderFailureKind.ContextTooLong, "Prompt exceeds max length", "1261", null
        },
        {
            "glm-400-1301-unsafe", 400,
            """{"error":{"code":"1301","message":"系统检测到输入或生成内容可能包含不安全或敏感内容"}}""",
            ProviderFailureKind.ContentFiltered, "系统检测到输入或生成内容可能包含不安全或敏感内容", "1301", null
        },
        {
            "glm-429-1302-concurrency", 429,
            """{"error":{"code":"1302","message":"High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits"}}""",
            ProviderFailureKind.RateLimited, "High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits", "1302", null
        },
        {
            "glm-400-1211-model-not-found", 400,
            """{"error":{"code":"1211","message":"Unknown Model, please check the model code."}}""",
            ProviderFailureKind.NotFound, "Unknown Model, please check the model code.", "1211", null
        },

        // MiniMax base_resp (may come with HTTP 200).
        {
            "minimax-200-base-resp-1008", 200,
            """{"id":"","choices":null,"created":0,"model":"","object":"","base_resp":{"status_code":1008,"status_msg":"insufficient balance"}}""",
            ProviderFailureKind.OutOfBalance, "insufficient balance", "1008", null
        },
        {
            "minimax-200-base-resp-1026", 200,
            """{"base_resp":{"status_code":1026,"status_msg":"input new_sensitive"}}""",
            ProviderFailureKind.ContentFiltered, "input new_sensitive", "1026", null
        },
        {
            "minimax-200-base-resp-1002", 200,
            """{"base_resp":{"status_code":1002,"status_msg":"rate limit exceeded(RPM)"}}""",
            ProviderFailureKind.RateLimited, "rate limit exceeded(RPM)", "1002", null
        },

        // Volcengine Ark.
        {
            "ark-403-account-overdue", 403,
            """{"error":{"code":"AccountOverdueError","message":"The request failed because your account has an overdue balance. Request ID: 0217","param":"","type":"Forbidden"}}""",
            ProviderFailureKind.OutOfBalance, "The request failed because your account has an overdue balance. Request ID: 0217", "AccountOverdueError", "Forbidden"
        },
        {
            "ark-400-input-risk", 400,
            """{"error":{"code":"InputTextRiskDetection","message":"The request failed because the input text may contain sensitive information. Request ID: 0218","param":"","type":"BadRequest"}}""",
            ProviderFailureKind.ContentFiltered, "The request failed because the input text may contain sensitive information. Request ID: 0218", "InputTextRiskDetection", "BadRequest"
        },
        {
            "ark-429-server-overloaded", 429,
            """{"error":{"code":"ServerOverloaded","message":"The service is currently unable to handle additional requests due to server overload.","param":"","type":"TooManyRequests"}}""",
            ProviderFailureKind.Overloaded, "The service is currently unable to handle additional requests due to server overload.", "ServerOverloaded", "TooManyRequests"
        },

        // Qianfan.
        {
            "qianfan-400-tokens-too-long", 400,
            """{"error":{"code":"tokens_too_long","message":"Prompt tokens too long","type":"invalid_request_error"},"id":"as-1"}""",
            ProviderFailureKind.ContextTooLong, "Prompt tokens too long", "tokens_too_long", "invalid_request_error"
        },
        {
            "qianfan-429-rpm", 429,
            """{"error":{"code":"rpm_rate_limit_exceeded","message":"Rate limit reached for RPM","type":"rate_limit_exceeded"},"id":"as-2"}""",
            ProviderFailureKind.RateLimited, "Rate limit reached for RPM", "rpm_rate_limit_exceeded", "rate_limit_exceeded"
        },

        // StepFun.
        {
            "stepfun-451-moderation", 451,
            """{"error":{"message":"The content you submitted may violate our usage policy","type":"request_rejected"}}""",
            ProviderFailureKind.ContentFiltered, "The content you submitted may violate our usage policy", null, "request_rejected"
        },
        {
            "stepfun-401-invalid-key", 401,
            """{"error":{"message":"Incorrect API key provided","type":"invalid_api_key"}}""",
            ProviderFailureKind.Authentication, "Incorrect API key provided", null, "invalid_api_key"
        },
        {
            "stepfun-402-balance", 402,
            """{"error":{"message":"Your balance is not enough","type":"request_rejected"}}""",
            ProviderFailureKind.OutOfBalance, "Your balance is not enough", null, "request_rejected"
        },

        // OpenAI.
        {
            "openai-429-insufficient-quota", 429,
            """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""",
            ProviderFailureKind.OutOfBalance, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"
        },
        {
            "openai-400-context-length", 400,
            """{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""",
            ProviderFailureKind.ContextTooLong, "This model's maximum context length is 128000 tokens.", "context_length_exceeded", "invalid_request_error"
        },
        {
            "openai-500-server", 500,
            """{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""",
            ProviderFailureKind.UpstreamError, "The server had an error while processing your request.", null, "server_error"
        },

        // Self-hosted servers.
        {
            "vllm-flat-400", 400,
            """{"object":"error","message":"[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required'}]","type":"BadRequestError","param":null,"code":400}""",
            ProviderFailureKind.BadRequest, "[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required'}]", "400", "BadRequestError"
        },
        {
            "vllm-flat-404", 404,
            """{"object":"error","message":"The model `qwen` does not exist.","type":"NotFoundError","param":null,"code":404}""",
            ProviderFailureKind.NotFound, "The model `qwen` does not exist.", "404", "NotFoundError"
        },
        {
            "vllm-nested-context", 400,
            """{"error":{"message":"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.","type":"BadRequestError","param":null,"code":400}}""",
            ProviderFailureKind.ContextTooLong, "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.", "400", "BadRequestError"
        },
        {
            "llamacpp-503-loading", 503,
            """{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}""",
            ProviderFailureKind.Overloaded, "Loading model", "503", "unavailable_error"
        },
        {
            "ollama-404-model", 404,
            """{"error":{"message":"model \"qwen3\" not found, try pulling it first","type":"api_error","param":null,"code":null}}""",
            ProviderFailureKind.NotFound, "model \"qwen3\" not found, try pulling it first", null, "api_error"
        },

        // Anthropic dialect.
        {
            "anthropic-429-rate-limit", 429,
            """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_011"}""",
            ProviderFailureKind.RateLimited, "Number of request tokens has exceeded your per-minute rate limit", null, "rate_limit_error"
        },
        {
            "anthropic-529-overloaded", 529,
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""",
            ProviderFailureKind.Overloaded, "Overloaded", null, "overloaded_error"
        },
        {
            "anthropic-402-billing", 402,
            """{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low"}}""",
            ProviderFailureKind.OutOfBalance, "Your credit balance is too low", null, "billing_error"
        },
        {
            "anthropic-403-permission", 403,
            """{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}""",
            ProviderFailureKind.PermissionDenied, "Your API key does not have permission to use the specified resource.", null, "permission_error"
        },
        {
            "anthropic-error-before-type", 401,
            """{"error":{"type":"authentication_error","message":"invalid x-api-key"},"type":"error"}""",
            ProviderFailureKind.Authentication, "invalid x-api-key", null, "authentication_error"
        },

        // Odd shapes.
        {
            "error-as-string", 401,
            """{"error":"Unauthorized"}""",
            ProviderFailureKind.Authentication, "Unauthorized", null, null
        },
        {
            "non-json-502", 502,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            ProviderFailureKind.UpstreamError, "<html><body><h1>502 Bad Gateway</h1></body></html>", null, null
        },
        {
            "json-array-body", 400,
            """[{"error":"no"}]""",
            ProviderFailureKind.BadRequest, """[{"error":"no"}]""", null, null
        },
    };

    [Theory]
    [MemberData(nameof(VendorErrors))]
    public void Read_VendorErrorBody_ClassifiesAndExtracts(
        string vendorCase, int status, string body, ProviderFailureKind kind, string message, string? code, string? type)
    {
        var failure = ProviderErrorReader.Read(status, Encoding.UTF8.GetBytes(body), retryAfter: null);

        Assert.True(kind == failure.Kind, $"{vendorCase}: expected {kind}, got {failure.Kind}");
        Assert.Equal(status, failure.UpstreamStatus);
        Assert.Equal(message, failure.Message);
        Assert.Equal(code, failure.UpstreamCode);
        Assert.Equal(type, failure.UpstreamType);
        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void Read_QwenInputLengthRange_IsContextTooLong()
    {
        // docs/vendors.md (Qwen; error bodies): Qwen signals context overflow as 400 "Range of input length should be [1, N]".
        const string body = """{"error":{"code":"invalid_parameter_error","message":"Range of input length should be [1, 129024]","type":"invalid_request_error"}}""";

        var failure = ProviderErrorReader.Read(400, Encoding.UTF8.GetBytes(body), retryAfter: null);

        Assert.Equal(ProviderFailureKind.ContextTooLong, failure.Kind);
    }

    [Theory]
    [InlineData(500, ProviderFailureKind.UpstreamError)]
    [InlineData(502, ProviderFailureKind.UpstreamError)]
    [InlineData(503, ProviderFailureKind.Overloaded)]
    [InlineData(529, ProviderFailureKind.Overloaded)]
    [InlineData(429, ProviderFailureKind.RateLimited)]
    [InlineData(408, ProviderFailureKind.Timeout)]
    [InlineData(402, ProviderFailureKind.OutOfBalance)]
    [InlineData(401, ProviderFailureKind.Authentication)]
    [InlineData(451, ProviderFailureKind.ContentFiltered)]
    [InlineData(400, ProviderFailureKind.BadRequest)]
    public void Read_EmptyBody_ClassifiesByStatusAndSaysBodyWasEmpty(int status, ProviderFailureKind kind)
    {
        var failure = ProviderErrorReader.Read(status, [], retryAfter: null);

        Assert.Equal(kind, failure.Kind);
        Assert.Equal($"HTTP {status} with an empty body", failure.Message);
        Assert.Null(failure.UpstreamCode);
        Assert.Null(failure.UpstreamType);
    }

    [Fact]
    public void Read_RetryAfter_IsCarried()
    {
        var failure = ProviderErrorReader.Read(429, "{}"u8, TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(7), failure.RetryAfter);
        Assert.Equal(ProviderFailureKind.RateLimited, failure.Kind);
    }

    [Fact]
    public void Read_LongNonJsonBody_KeepsOnlyTheStart()
    {
        var body = new string('x', 5_000);

        var failure = ProviderErrorReader.Read(500, Encoding.UTF8.GetBytes(body), retryAfter: null);

        Assert.Equal(new string('x', 300), failure.Message);
    }

    [Fact]
    public void Read_LongJsonMessage_IsTruncatedWithEllipsis()
    {
        var body = "{\"error\":{\"message\":\"" + new string('m', 800) + "\"}}";

        var failure = ProviderErrorReader.Read(400, Encoding.UTF8.GetBytes(body), retryAfter: null);

        Assert.Equal(new string('m', 500) + "…", failure.Message);
    }

    [Fact]
    public void ParseRetryAfter_DeltaSeconds_ReturnsDelta()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12));

        Assert.Equal(TimeSpan.FromSeconds(12), ProviderErrorReader.ParseRetryAfter(response));
    }

    [Fact]
    public void ParseRetryAfter_DateInThePast_ReturnsZero()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(TimeSpan.Zero, ProviderErrorReader.ParseRetryAfter(response));
    }

    [Fact]
    public void ParseRetryAfter_NoHeader_ReturnsNull()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Null(ProviderErrorReader.ParseRetryAfter(response));
    }
}
