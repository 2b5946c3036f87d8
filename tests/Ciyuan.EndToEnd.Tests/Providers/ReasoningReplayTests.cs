using System.ClientModel;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using OpenAI;
using OpenAI.Chat;

namespace Ciyuan.EndToEnd.Tests.Providers;

/// <summary>
/// DeepSeek refuses a tool-call turn whose reasoning is not sent back; the OpenAI SDK knows nothing
/// of <c>reasoning_content</c> and drops it from history. Ciyuan puts it back — for that vendor only.
/// </summary>
public sealed class ReasoningReplayTests
{
    private const string Yaml = """
        providers:
          ds:
            kind: deepseek
            base_url: "{upstream}"
            api_key: test-key
          local:
            kind: openai-compatible
            base_url: "{upstream}"
        models:
          - name: reasoner
            deployments:
              - provider: ds
                model: deepseek-v4-pro
          - name: other
            deployments:
              - provider: local
                model: local-model
        """;

    [Fact]
    public async Task ToolCallTurn_ReasoningDroppedByClient_IsReplayedToTheVendorItCameFrom()
    {
        await using var gateway = await GatewayFixture.StartAsync(Yaml);
        gateway.Upstream.Default = new Reply
        {
            Content = "",
            Reasoning = "Need the weather first.",
            ToolCalls = [new ToolCallSpec("call_ds_1", "get_weather", """{"city":"Hangzhou"}""")],
            FinishReason = "tool_calls",
        };
        var client = new ChatClient("reasoner", new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });
        var tool = ChatTool.CreateFunctionTool("get_weather", "weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        List<ChatMessage> history = [new UserChatMessage("Weather in Hangzhou?")];
        var first = (await client.CompleteChatAsync(history, new ChatCompletionOptions { Tools = { tool } })).Value;

        gateway.Upstream.Default = new Reply { Content = "Rainy." };
        history.Add(new AssistantChatMessage(first));
        history.Add(new ToolChatMessage("call_ds_1", "rain, 18 °C"));
        await client.CompleteChatAsync(history, new ChatCompletionOptions { Tools = { tool } });

        var assistant = gateway.Upstream.Requests[1].Json["messages"]![1]!;
        Assert.Equal("Need the weather first.", assistant["reasoning_content"]!.GetValue<string>());

        // The same history sent to another vendor carries no DeepSeek reasoning.
        var other = new ChatClient("other", new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });
        await other.CompleteChatAsync(history, new ChatCompletionOptions { Tools = { tool } });
        Assert.Null(gateway.Upstream.Requests[2].Json["messages"]![1]!["reasoning_content"]);
    }
}
