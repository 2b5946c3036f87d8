using System.ClientModel;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;
using OpenAI;
using OpenAI.Chat;

namespace Ciyuan.EndToEnd.Tests.OpenAI;

/// <summary>The OpenAI front door in front of an upstream that speaks only Anthropic's Messages API.</summary>
public sealed class AnthropicUpstreamTests
{
    private const string Yaml = """
        providers:
          claude:
            kind: anthropic
            base_url: "{upstream}"
            anthropic_base_url: "{anthropic}"
            api_key: provider-secret
        models:
          - name: claude-alias
            deployments:
              - provider: claude
                model: claude-upstream
                price: { input: 3.00, output: 15.00, currency: USD }
        """;

    private static async Task<GatewayFixture> StartAsync()
    {
        var upstream = await UpstreamServer.StartAsync();
        return await GatewayFixture.StartAsync(Yaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal), upstream: upstream);
    }

    private static ChatClient Client(GatewayFixture gateway) =>
        new("claude-alias", new ApiKeyCredential(gateway.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });

    [Fact]
    public async Task CompleteChat_AnthropicOnlyUpstream_IsTranslatedBothWays()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "From Messages API.", PromptTokens = 25, CompletionTokens = 6 };

        var completion = (await Client(gateway).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello")])).Value;

        Assert.Equal("From Messages API.", completion.Content[0].Text);
        Assert.Equal(25, completion.Usage.InputTokenCount);
        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("/anthropic/v1/messages", sent.Path);
        Assert.Equal("Be brief.", sent.Json["system"]!.ToString());
        Assert.Equal("claude-upstream", sent.Json["model"]!.GetValue<string>());
        Assert.True(sent.Json["max_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(new TokenUsage(25, 0, 0, 6, 0), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    [Fact]
    public async Task CompleteChatStreaming_AnthropicOnlyUpstream_StreamsChunksWithToolCalls()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply
        {
            Content = "Let me check.",
            Chunks = 2,
            ToolCalls = [new ToolCallSpec("toolu_1", "get_weather", """{"city":"Oslo"}""")],
            FinishReason = "tool_calls",
            PromptTokens = 40,
            CompletionTokens = 12,
        };

        var text = new System.Text.StringBuilder();
        var arguments = new System.Text.StringBuilder();
        string? toolId = null;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client(gateway).CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                toolId ??= call.ToolCallId;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("Let me check.", text.ToString());
        Assert.Equal("toolu_1", toolId);
        Assert.Equal("""{"city":"Oslo"}""", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(40, usage?.InputTokenCount);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.Ok, row.Status);
        Assert.Equal(new TokenUsage(40, 0, 0, 12, 0), row.Usage);
    }
}
