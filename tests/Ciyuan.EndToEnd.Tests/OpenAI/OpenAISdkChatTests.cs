using System.ClientModel;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using OpenAI;
using OpenAI.Chat;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>The official OpenAI .NET SDK pointed at Ciyuan, as a user would do it.</summary>
public sealed class OpenAISdkChatTests
{
    private static ChatClient Client(GatewayFixture gateway, string model = "test-model") =>
        new(model, new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });

    [Fact]
    public async Task CompleteChat_NonStreaming_ReturnsUpstreamAnswerAndMetersIt()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Paris is sunny.", PromptTokens = 120, CompletionTokens = 30, CachedTokens = 100 };

        var result = await Client(gateway).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Weather in Paris?")]);

        Assert.Equal("Paris is sunny.", result.Value.Content[0].Text);
        Assert.Equal(120, result.Value.Usage.InputTokenCount);
        Assert.Equal(30, result.Value.Usage.OutputTokenCount);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("X-Ciyuan-Provider", out var provider));
        Assert.Equal("local", provider);
        Assert.True(headers.TryGetValue("X-Ciyuan-Request-Id", out var requestId));
        Assert.True(headers.TryGetValue("X-Ciyuan-Cost-Usd", out var cost));
        // 20 uncached × $1 + 100 cached × $0.10 + 30 out × $2 per million = 90 micro-dollars.
        Assert.Equal("0.000090", cost);

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(requestId, row.RequestId);
        Assert.Equal(gateway.KeyId, row.KeyId);
        Assert.Equal("test-model", row.ModelAlias);
        Assert.Equal("local", row.Provider);
        Assert.Equal("upstream-model", row.UpstreamModel);
        Assert.Equal(new TokenUsage(20, 100, 0, 30, 0), row.Usage);
        Assert.Equal(90, row.Cost.Value);
        Assert.Equal(RequestStatus.Ok, row.Status);
        Assert.False(row.UsageEstimated);
        Assert.False(row.Streamed);

        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("upstream-model", sent.Json["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task CompleteChatStreaming_RelaysEveryChunkAndMetersUsage()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply { Content = "one two three four five", Chunks = 5, PromptTokens = 40, CompletionTokens = 5 };

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("count")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.Equal("one two three four five", text.ToString());
        Assert.True(updates >= 6, $"expected the chunks one by one, got {updates} updates");
        Assert.NotNull(usage);
        Assert.Equal(40, usage.InputTokenCount);

        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.True(row.Streamed);
        Assert.Equal(RequestStatus.Ok, row.Status);
        Assert.Equal(new TokenUsage(40, 0, 0, 5, 0), row.Usage);
        Assert.NotNull(row.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task CompleteChat_ToolCallLoop_RoundTripsToolCallsAndResults()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply
        {
            Content = "",
            ToolCalls = [new ToolCallSpec("call_1", "get_weather", """{"city":"Paris"}""")],
            FinishReason = "tool_calls",
        };
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        var first = (await Client(gateway).CompleteChatAsync(messages, options)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("call_1", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Paris"}""", call.FunctionArguments.ToString());

        gateway.Upstream.Default = new Reply { Content = "It is 21 °C in Paris." };
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage("call_1", """{"temp_c":21}"""));
        var second = (await Client(gateway).CompleteChatAsync(messages, options)).Value;

        Assert.Equal("It is 21 °C in Paris.", second.Content[0].Text);
        var forwarded = gateway.Upstream.Requests[1].Json;
        var history = forwarded["messages"]!.AsArray();
        Assert.Equal("call_1", history[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("tool", history[2]!["role"]!.GetValue<string>());
        Assert.Equal("call_1", history[2]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal("get_weather", forwarded["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(2, (await gateway.LedgerAsync()).Count);
    }

    [Fact]
    public async Task CompleteChatStreaming_ToolCalls_ArriveAsFragmentsWithIdAndName()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        gateway.Upstream.Default = new Reply
        {
            Content = "",
            ToolCalls = [new ToolCallSpec("call_a", "lookup", """{"q":"first"}"""), new ToolCallSpec("call_b", "lookup", """{"q":"second"}""")],
            FinishReason = "tool_calls",
        };

        var arguments = new Dictionary<int, System.Text.StringBuilder>();
        var ids = new Dictionary<int, string>();
        ChatFinishReason? finish = null;
        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("look up two things")]))
        {
            foreach (var fragment in update.ToolCallUpdates)
            {
                if (fragment.ToolCallId is { } id)
                {
                    ids[fragment.Index] = id;
                }

                (arguments.TryGetValue(fragment.Index, out var sb) ? sb : arguments[fragment.Index] = new()).Append(fragment.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("call_a", ids[0]);
        Assert.Equal("call_b", ids[1]);
        Assert.Equal("""{"q":"first"}""", arguments[0].ToString());
        Assert.Equal("""{"q":"second"}""", arguments[1].ToString());
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_ThrowsNotFoundWithHelpfulMessage()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(gateway, "no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
        Assert.Empty(gateway.Upstream.Requests);
    }

    [Fact]
    public async Task CompleteChat_WrongKey_ThrowsUnauthorized()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var client = new ChatClient("test-model", new ApiKeyCredential("cy-not-a-real-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
        Assert.Empty(gateway.Upstream.Requests);
        Assert.Empty(await gateway.LedgerAsync());
    }
}
