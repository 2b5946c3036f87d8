using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>Streams over raw HTTP, to check the exact frames a client receives and the ledger line each leaves.</summary>
public sealed class ChatStreamingTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpResponseMessage Response, string Body)> StreamAsync(GatewayFixture gateway, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(body) };
        var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private const string StreamRequest = """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UsageChunkIsStrippedButMetered()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "abc", Chunks = 3, PromptTokens = 9, CompletionTokens = 3 };

        var (response, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var payloads = SseText.DataPayloads(body);
        Assert.Equal("[DONE]", payloads[^1]);
        Assert.DoesNotContain(payloads, p => p.Contains("\"usage\"", StringComparison.Ordinal));
        var upstreamBody = Assert.Single(gateway.Upstream.Requests).Json;
        Assert.True(upstreamBody["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(new TokenUsage(9, 0, 0, 3, 0), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_ReceivesTheUsageChunk()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "abc", PromptTokens = 9, CompletionTokens = 3 };

        var (_, body) = await StreamAsync(gateway, """{"model":"test-model","stream":true,"stream_options":{"include_usage":true},"messages":[]}""");

        var usageChunk = SseText.DataPayloads(body).Single(p => p.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal(9, JsonNode.Parse(usageChunk)!["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stream_ReasoningContentDeltas_AreRelayedUnchanged()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Reasoning = "Compare decimals.", Content = "9.8 is larger.", ReasoningTokens = 4, CompletionTokens = 10 };

        var (_, body) = await StreamAsync(gateway, StreamRequest);

        var reasoning = string.Concat(SseText.DataPayloads(body)
            .Where(p => p != "[DONE]")
            .Select(p => JsonNode.Parse(p)!["choices"]!.AsArray())
            .Where(c => c.Count > 0)
            .Select(c => c[0]!["delta"]!["reasoning_content"]?.GetValue<string>()));
        Assert.Equal("Compare decimals.", reasoning);
        Assert.Equal(4, Assert.Single(await gateway.LedgerAsync()).Usage.Reasoning);
    }

    [Fact]
    public async Task Stream_KeepAliveCommentsAfterTheFirstEvent_AreForwarded()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Raw(200, "text/event-stream",
            "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
            ": keep-alive\n\n" +
            "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,\"total_tokens\":13,\"prompt_cache_hit_tokens\":8,\"prompt_cache_miss_tokens\":4}}\n\n" +
            "data: [DONE]\n\n");

        var (_, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Contains(": keep-alive\n\n", body, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(4, 8, 0, 1, 0), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    [Fact]
    public async Task Stream_MoonshotUsageInsideChoice_IsMetered()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Hello!", PromptTokens = 19, CompletionTokens = 13, CachedTokens = 5, Usage = UsagePlacement.InChoice };

        await StreamAsync(gateway, StreamRequest);

        Assert.Equal(new TokenUsage(14, 5, 0, 13, 0), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    [Fact]
    public async Task Stream_UpstreamGivesNoUsage_RecordIsMarkedEstimated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "twelve bytes", Usage = UsagePlacement.None };

        await StreamAsync(gateway, StreamRequest);

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.True(row.UsageEstimated);
        Assert.Equal(3, row.Usage.Output);
        Assert.True(row.Usage.InputUncached > 0);
    }

    [Fact]
    public async Task Stream_CutOffMidway_EndsWithAnErrorEventAndAStreamFailedRecord()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "one two three four", Chunks = 4, CutAfterChunks = 2 };

        var (response, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Contains("one t", StringComparison.Ordinal), body);
        var last = SseText.DataPayloads(body)[^1];
        Assert.Equal("stream_truncated", JsonNode.Parse(last)!["error"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.StreamFailed, row.Status);
        Assert.True(row.UsageEstimated);
        Assert.True(row.Usage.Output > 0);
    }

    [Fact]
    public async Task Stream_EndsWithoutDone_IsTreatedAsTruncated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "abc", OmitDone = true, Usage = UsagePlacement.LastChunk };

        var (_, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Contains("stream_truncated", body, StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.StreamFailed, row.Status);
        Assert.False(row.UsageEstimated);
    }

    [Fact]
    public async Task Stream_MidStreamErrorLine_IsForwardedAndRecorded()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        const string error = """{"error":{"code":"data_inspection_failed","message":"Output data may contain inappropriate content.","type":"data_inspection_failed"}}""";
        gateway.Upstream.Default = new Reply { Content = "one two three", Chunks = 3, MidStreamError = (1, error) };

        var (_, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Equal(error, SseText.DataPayloads(body)[^1]);
        Assert.Equal(RequestStatus.StreamFailed, Assert.Single(await gateway.LedgerAsync()).Status);
    }

    [Fact]
    public async Task Stream_ErrorAsFirstEvent_BecomesAnHttpErrorBeforeTheStreamStarts()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Raw(200, "text/event-stream",
            "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_reached_error\"}}\n\n");

        var (response, body) = await StreamAsync(gateway, StreamRequest);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("Rate limit reached", body, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.UpstreamError, Assert.Single(await gateway.LedgerAsync()).Status);
    }

    [Fact]
    public async Task Stream_ChunksArriveBeforeTheUpstreamFinishes()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "a b c d", Chunks = 4, ChunkDelay = TimeSpan.FromMilliseconds(400) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(StreamRequest) };
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);

        // The role chunk and the first content chunk must be readable while later chunks are still delayed upstream.
        var firstLine = await reader.ReadLineAsync();
        Assert.StartsWith("data: ", firstLine, StringComparison.Ordinal);
        Assert.Equal(0, gateway.Upstream.Completed);
        await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidway_LeavesOneClientDisconnectedRecord()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = new string('x', 40), Chunks = 40, ChunkDelay = TimeSpan.FromMilliseconds(50) };

        // No draining: disposing the response must close the connection, as a client that goes away does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = gateway.BaseUrl };
        client.DefaultRequestHeaders.Authorization = gateway.Http.DefaultRequestHeaders.Authorization;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(StreamRequest) })
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(stream);
            for (var i = 0; i < 6; i++)
            {
                await reader.ReadLineAsync();
            }
        }

        var row = Assert.Single(await gateway.LedgerWhenAsync(1));
        Assert.Equal(RequestStatus.ClientDisconnected, row.Status);
        Assert.True(row.Usage.Output > 0);
    }

    [Fact]
    public async Task Chat_UnknownFields_PassThroughToTheUpstreamUntouched()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        const string body = """{"model":"test-model","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}],"thinking":{"type":"enabled"},"vendor_knob":[1,2,{"x":null}],"n":2,"stop":["END"],"max_completion_tokens":64,"response_format":{"type":"json_object"}}""";

        var response = await gateway.Http.PostAsync("v1/chat/completions", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(gateway.Upstream.Requests).Body;
        Assert.Equal(body.Replace("\"test-model\"", "\"upstream-model\"", StringComparison.Ordinal), forwarded);
    }

    [Fact]
    public async Task Embeddings_AreForwardedAndMetered()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { PromptTokens = 8 };

        var response = await gateway.Http.PostAsync("v1/embeddings", Json("""{"model":"test-model","input":["a","b"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal("embeddings", row.Endpoint);
        Assert.Equal(8, row.Usage.InputUncached);
        Assert.Equal(8, row.Cost.Value);
    }
}
