using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Responses;

/// <summary>
/// Bad Responses input gets a precise 4xx in OpenAI's shape before anything is sent (no ledger line),
/// and a stream that fails after it began ends with an <c>error</c> event and <c>response.failed</c>.
/// </summary>
public sealed class ResponsesErrorTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonObject Error)> PostAsync(GatewayFixture gateway, string body)
    {
        var response = await gateway.Http.PostAsync("v1/responses", Json(body));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject());
    }

    [Theory]
    [InlineData("""{"model":"chat-model","input":[{"type":"telepathy","text":"hi"}]}""", "input[0].type", "unknown item type \"telepathy\"")]
    [InlineData("""{"model":"native-model","input":[{"role":"user","content":"hi"},{"type":"function_call_output","call_id":"call_x","output":"42"}]}""", "input[1].call_id",
        "no function_call or custom_tool_call with call_id 'call_x'")]
    [InlineData("""{"model":"chat-model","input":"hi","tools":[{"type":"web_search"}]}""", "tools[0].type", "the hosted tool \"web_search\" runs only at a native Responses endpoint")]
    [InlineData("""{"model":"claude-model","input":"hi","background":true}""", "background", "background responses are not offered")]
    public async Task CreateResponse_BadInput_Is400NamingTheFieldAndSendsNothing(string body, string param, string message)
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();

        var (status, error) = await PostAsync(gateway, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
        Assert.Empty(await gateway.LedgerAsync());
    }

    [Fact]
    public async Task CreateResponse_UnknownPreviousResponseId_Is400PreviousResponseNotFound()
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();

        var (status, error) = await PostAsync(gateway, """{"model":"chat-model","input":"again","previous_response_id":"resp_never"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("previous_response_not_found", "previous_response_id"), (error["code"]!.GetValue<string>(), error["param"]!.GetValue<string>()));
        Assert.Contains("resp_never", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task CreateResponse_StoreFalse_KeepsNothingToRetrieveListOrContinue()
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Not kept." };

        var created = await gateway.Http.PostAsync("v1/responses", Json("""{"model":"chat-model","input":"hi","store":false}"""));
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var retrieved = await gateway.Http.GetAsync($"v1/responses/{id}");
        var items = await gateway.Http.GetAsync($"v1/responses/{id}/input_items");
        var (continuedStatus, continued) = await PostAsync(gateway, $$"""{"model":"chat-model","input":"more","previous_response_id":"{{id}}"}""");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, retrieved.StatusCode);
        Assert.Equal("response_not_found", JsonNode.Parse(await retrieved.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, items.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, continuedStatus);
        Assert.Equal("previous_response_not_found", continued["code"]!.GetValue<string>());
        Assert.Single(await gateway.LedgerAsync());
    }

    [Fact]
    public async Task CreateResponse_DeletedLinkInTheChain_Is400NamingTheMissingResponse()
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Kept." };
        var first = await IdOfAsync(gateway, """{"model":"chat-model","input":"one"}""");
        var second = await IdOfAsync(gateway, $$"""{"model":"chat-model","input":"two","previous_response_id":"{{first}}"}""");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.DeleteAsync($"v1/responses/{first}")).StatusCode);

        var (status, error) = await PostAsync(gateway, $$"""{"model":"chat-model","input":"three","previous_response_id":"{{second}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(first, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, gateway.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData("chat-model")]
    [InlineData("native-model")]
    public async Task CreateResponseStreaming_UpstreamCutMidStream_EndsWithErrorThenResponseFailed(string model)
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = model == "native-model"
            ? new Raw(200, "text/event-stream", """
                event: response.created
                data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_up","object":"response","status":"in_progress","output":[]}}

                event: response.output_text.delta
                data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Half"}


                """)
            : new Reply { Content = "Half an answer that never ends", Chunks = 4, CutAfterChunks = 2 };

        var response = await gateway.Http.PostAsync("v1/responses", Json($$"""{"model":"{{model}}","input":"hi","stream":true}"""));
        var events = SseText.Events(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("event: error\n", events[^2], StringComparison.Ordinal);
        Assert.StartsWith("event: response.failed\n", events[^1], StringComparison.Ordinal);
        Assert.Contains("\"code\":\"stream_truncated\"", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.StartsWith("event: response.completed", StringComparison.Ordinal));
        var row = Assert.Single(await gateway.LedgerWhenAsync(1));
        Assert.Equal(RequestStatus.StreamFailed, row.Status);
    }

    [Fact]
    public async Task CreateResponseStreaming_NativeUpstreamFailsMidStream_ClientGetsItsFailureOnceAndIsNotBilled()
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = new Raw(200, "text/event-stream", """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_up","object":"response","status":"in_progress","output":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Half"}

            event: response.failed
            data: {"type":"response.failed","sequence_number":2,"response":{"id":"resp_up","object":"response","status":"failed","error":{"code":"server_error","message":"The model crashed."},"output":[],"usage":null}}


            """);

        var response = await gateway.Http.PostAsync("v1/responses", Json("""{"model":"native-model","input":"hi","stream":true}"""));
        var events = SseText.Events(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("event: response.failed\n", events[^1], StringComparison.Ordinal);
        Assert.Single(events, e => e.StartsWith("event: response.failed", StringComparison.Ordinal));
        Assert.DoesNotContain("resp_up", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.StartsWith("event: response.completed", StringComparison.Ordinal));
        var row = Assert.Single(await gateway.LedgerWhenAsync(1));
        Assert.NotEqual(RequestStatus.Ok, row.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateResponse_NativeUpstreamRateLimited_Is429RateLimitExceededBeforeAnyEvent(bool stream)
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = new Fail(429, """{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", RetryAfterSeconds: 7);

        var response = await gateway.Http.PostAsync("v1/responses", Json($$"""{"model":"native-model","input":"hi","stream":{{(stream ? "true" : "false")}}}"""));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limit_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("native", error["provider"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("/v1/responses", gateway.Upstream.Requests[0].Path);
    }

    [Fact]
    public async Task CreateResponseStreaming_Translated_LastEventIsCompletedWithTheLedgersUsage()
    {
        await using var gateway = await ResponsesSdkTests.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Complete.", Reasoning = "Short thought.", PromptTokens = 40, CompletionTokens = 9, CachedTokens = 30, ReasoningTokens = 3 };

        var response = await gateway.Http.PostAsync("v1/responses", Json("""{"model":"chat-model","input":"hi","stream":true}"""));
        var events = SseText.Events(await response.Content.ReadAsStringAsync());

        Assert.StartsWith("event: response.completed\n", events[^1], StringComparison.Ordinal);
        var completed = JsonNode.Parse(events[^1][(events[^1].IndexOf("data: ", StringComparison.Ordinal) + 6)..])!["response"]!;
        Assert.Equal(40, completed["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal(30, completed["usage"]!["input_tokens_details"]!["cached_tokens"]!.GetValue<int>());
        Assert.Equal(3, completed["usage"]!["output_tokens_details"]!["reasoning_tokens"]!.GetValue<int>());
        Assert.Equal("Short thought.", completed["output"]![0]!["summary"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(new TokenUsage(10, 30, 0, 9, 3), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    private static async Task<string> IdOfAsync(GatewayFixture gateway, string body)
    {
        var response = await gateway.Http.PostAsync("v1/responses", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }
}
