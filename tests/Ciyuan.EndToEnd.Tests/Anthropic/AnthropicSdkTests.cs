using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Anthropic;

/// <summary>The official Anthropic .NET SDK pointed at Ciyuan: translated to an OpenAI-dialect upstream, and passed through to a native one.</summary>
public sealed class AnthropicSdkTests
{
    /// <summary>The same alias served by a translated deployment (<c>test-model</c>) and a native Anthropic one (<c>native-model</c>).</summary>
    private const string Yaml = """
        providers:
          local:
            kind: openai-compatible
            base_url: "{upstream}"
          native:
            kind: anthropic
            base_url: "{upstream}"
            anthropic_base_url: "{anthropic}"
            api_key: provider-secret
        models:
          - name: test-model
            deployments:
              - provider: local
                model: upstream-model
                price: { input: 1.00, output: 2.00, currency: USD }
          - name: native-model
            deployments:
              - provider: native
                model: claude-upstream
                price: { input: 3.00, output: 15.00, cache_hit: 0.30, currency: USD }
        """;

    private static async Task<GatewayFixture> StartAsync()
    {
        var upstream = await UpstreamServer.StartAsync();
        return await GatewayFixture.StartAsync(Yaml.Replace("{anthropic}", upstream.AnthropicBaseUrl.ToString(), StringComparison.Ordinal), upstream: upstream);
    }

    private static AnthropicClient Client(GatewayFixture gateway, string? key = null) =>
        new(new ClientOptions { BaseUrl = gateway.BaseUrl.ToString().TrimEnd('/'), ApiKey = key ?? gateway.ClientKey, MaxRetries = 0 });

    private static MessageCreateParams Ask(string model, string text) => new()
    {
        Model = model,
        MaxTokens = 512,
        Messages = [new MessageParam(new UserMessageParam(new MessageContentParam(text, null)), null)],
    };

    private static string Text(Message message) =>
        string.Concat(message.Content.Select(block => block.TryPickText(out var text) ? text.Text : string.Empty));

    [Fact]
    public async Task Create_TranslatedToOpenAIUpstream_ReturnsAnthropicMessageAndMeters()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "Bonjour!", PromptTokens = 30, CompletionTokens = 4, CachedTokens = 10 };

        var message = await Client(gateway).Messages.Create(Ask("test-model", "Say hello in French"));

        Assert.Equal("Bonjour!", Text(message));
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(20, message.Usage.InputTokens);
        Assert.Equal(10, message.Usage.CacheReadInputTokens);
        Assert.Equal(4, message.Usage.OutputTokens);
        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("upstream-model", sent.Json["model"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal("messages", row.Endpoint);
        Assert.Equal(new TokenUsage(20, 10, 0, 4, 0), row.Usage);
    }

    [Fact]
    public async Task CreateStreaming_TranslatedToOpenAIUpstream_EmitsAnthropicEventSequence()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Reasoning = "Think first.", Content = "Streamed answer.", Chunks = 3, PromptTokens = 12, CompletionTokens = 9 };

        var types = new List<string>();
        var text = new StringBuilder();
        var thinking = new StringBuilder();
        long? startInputTokens = null;
        await foreach (var e in Client(gateway).Messages.CreateStreaming(Ask("test-model", "stream please")))
        {
            types.Add(e.Type.Raw());
            if (e.TryPickStart(out var start))
            {
                startInputTokens = start.Message.Usage.InputTokens;
            }

            if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var t))
                {
                    text.Append(t.Text);
                }
                else if (delta.Delta.TryPickThinking(out var th))
                {
                    thinking.Append(th.Thinking);
                }
            }
        }

        Assert.Equal("Streamed answer.", text.ToString());
        Assert.Equal("Think first.", thinking.ToString());
        Assert.Equal("message_start", types[0]);

        // The upstream tells only at the end; message_start carries the gateway's own count of the prompt.
        Assert.True(startInputTokens > 0, $"message_start input_tokens was {startInputTokens}");
        Assert.Equal("message_stop", types[^1]);
        Assert.Equal("message_delta", types[^2]);
        Assert.Equal(2, types.Count(t => t == "content_block_start"));
        Assert.Equal(2, types.Count(t => t == "content_block_stop"));
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.True(row.Streamed);
        Assert.Equal(new TokenUsage(12, 0, 0, 9, 0), row.Usage);
    }

    [Fact]
    public async Task Create_PassthroughToNativeUpstream_ForwardsBytesWithProviderKey()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "native hello", PromptTokens = 50, CachedTokens = 40, CompletionTokens = 3 };

        var message = await Client(gateway).Messages.Create(Ask("native-model", "hi"));

        Assert.Equal("native hello", Text(message));
        var sent = Assert.Single(gateway.Upstream.Requests);
        Assert.Equal("/anthropic/v1/messages", sent.Path);
        Assert.Equal("claude-upstream", sent.Json["model"]!.GetValue<string>());
        Assert.Equal("provider-secret", sent.Header("x-api-key"));
        Assert.NotNull(sent.Header("anthropic-version"));
        Assert.DoesNotContain(gateway.ClientKey, string.Join(' ', sent.Headers.Values), StringComparison.Ordinal);
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(new TokenUsage(10, 40, 0, 3, 0), row.Usage);
        // 10 × $3 + 40 × $0.30 + 3 × $15 per million = 87 micro-dollars.
        Assert.Equal(87, row.Cost.Value);
    }

    [Fact]
    public async Task CreateStreaming_PassthroughToNativeUpstream_RelaysEventsAndMeters()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply { Content = "native stream", Chunks = 2, PromptTokens = 8, CompletionTokens = 5 };

        var types = new List<string>();
        var text = new StringBuilder();
        await foreach (var e in Client(gateway).Messages.CreateStreaming(Ask("native-model", "stream")))
        {
            types.Add(e.Type.Raw());
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
        }

        Assert.Equal("native stream", text.ToString());
        Assert.Equal("message_stop", types[^1]);
        Assert.Equal(new TokenUsage(8, 0, 0, 5, 0), Assert.Single(await gateway.LedgerAsync()).Usage);
    }

    [Fact]
    public async Task ToolUseLoopWithThinking_TranslatedBothWays_PreservesIdsArgumentsAndReasoning()
    {
        await using var gateway = await StartAsync();
        gateway.Upstream.Default = new Reply
        {
            Content = "",
            Reasoning = "I should call the weather tool.",
            ToolCalls = [new ToolCallSpec("call_w1", "get_weather", """{"city":"Paris"}"""), new ToolCallSpec("call_t2", "get_time", """{"tz":"CET"}""")],
            FinishReason = "tool_calls",
        };
        var tools = new List<ToolUnion>
        {
            new(new Tool { Name = "get_weather", InputSchema = JsonSerializer.Deserialize<InputSchema>("""{"type":"object","properties":{"city":{"type":"string"}}}""")! }, null),
            new(new Tool { Name = "get_time", InputSchema = JsonSerializer.Deserialize<InputSchema>("""{"type":"object","properties":{"tz":{"type":"string"}}}""")! }, null),
        };
        var first = await Client(gateway).Messages.Create(Ask("test-model", "Weather and time in Paris?") with
        {
            Tools = tools,
            Thinking = new ThinkingConfigParam(new ThinkingConfigEnabled(2048), null),
        });

        Assert.Equal("tool_use", first.StopReason!.Raw());
        var toolUses = first.Content.Where(b => b.TryPickToolUse(out _)).Select(b => { b.TryPickToolUse(out var u); return u!; }).ToList();
        Assert.Equal(["call_w1", "call_t2"], toolUses.Select(u => u.ID));
        Assert.Equal("Paris", toolUses[0].Input["city"].GetString());
        Assert.Contains(first.Content, b => b.TryPickThinking(out var t) && t.Thinking == "I should call the weather tool.");

        gateway.Upstream.Default = new Reply { Content = "Sunny, 21 °C, 14:05." };
        var history = new List<MessageParam>
        {
            new(new UserMessageParam(new MessageContentParam("Weather and time in Paris?", null)), null),
            new(new AssistantMessageParam(new MessageContentParam(first.Content.Select(ToParam).ToList(), null)), null),
            new(new UserMessageParam(new MessageContentParam(new List<ContentBlockParam>
            {
                new(new ToolResultBlockParam("call_w1") { Content = new ToolResultBlockParamContent("21 °C, sunny", null) }, null),
                new(new ToolResultBlockParam("call_t2") { Content = new ToolResultBlockParamContent("clock unavailable", null), IsError = true }, null),
            }, null)), null),
        };
        var second = await Client(gateway).Messages.Create(Ask("test-model", "unused") with { Messages = history, Tools = tools });

        Assert.Equal("Sunny, 21 °C, 14:05.", Text(second));
        var forwarded = gateway.Upstream.Requests[1].Json["messages"]!.AsArray();
        var assistant = forwarded.Single(m => m!["role"]!.GetValue<string>() == "assistant")!;
        Assert.Equal("I should call the weather tool.", assistant["reasoning_content"]!.GetValue<string>());
        Assert.Equal(["call_w1", "call_t2"], assistant["tool_calls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal("""{"city":"Paris"}""", assistant["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        var toolMessages = forwarded.Where(m => m!["role"]!.GetValue<string>() == "tool").ToList();
        Assert.Equal(["call_w1", "call_t2"], toolMessages.Select(m => m!["tool_call_id"]!.GetValue<string>()));
        Assert.StartsWith("Error: ", toolMessages[1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, (await gateway.LedgerAsync()).Count);
    }

    [Fact]
    public async Task Create_UnknownModelAndWrongKey_AreAnthropicShapedErrors()
    {
        await using var gateway = await StartAsync();

        var notFound = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => Client(gateway).Messages.Create(Ask("nope", "hi")));
        var unauthorized = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => Client(gateway, "cy-wrong").Messages.Create(Ask("test-model", "hi")));

        Assert.Contains("nope", notFound.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Empty(gateway.Upstream.Requests);
    }

    private static ContentBlockParam ToParam(ContentBlock block)
    {
        if (block.TryPickThinking(out var thinking))
        {
            return new(new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature }, null);
        }

        if (block.TryPickToolUse(out var use))
        {
            return new(new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input }, null);
        }

        block.TryPickText(out var text);
        return new(new TextBlockParam { Text = text!.Text }, null);
    }

    [Fact]
    public async Task ModelsList_AnthropicSdk_GetsAnthropicShapedModels()
    {
        await using var gateway = await StartAsync();

        var page = await Client(gateway).Models.List();

        Assert.Equal(["test-model", "native-model"], page.Items.Select(m => m.ID));
        var first = page.Items[0];
        Assert.Equal("test-model", first.DisplayName);
        Assert.Equal(DateTimeOffset.UnixEpoch, first.CreatedAt);
        Assert.False(page.HasNext());
    }

    [Fact]
    public async Task ModelsRetrieve_AnthropicSdk_GetsTheModelOrNotFound()
    {
        await using var gateway = await StartAsync();

        var model = await Client(gateway).Models.Retrieve("native-model");
        var missing = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => Client(gateway).Models.Retrieve("no-such-model"));

        Assert.Equal("native-model", model.ID);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task CountTokens_ClaudeCodeStyleBody_IsCountedForPassthroughAndTranslatedModels()
    {
        await using var gateway = await StartAsync();
        const string body = """
            {"model":"MODEL","system":[{"type":"text","text":"You are a coding agent.","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"Create hello.txt"},{"role":"system","content":"Working directory: /tmp/work"}],
             "tools":[{"name":"Write","input_schema":{"type":"object"}}],
             "thinking":{"type":"adaptive","display":"omitted"},"context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
             "output_config":{"effort":"high"}}
            """;

        foreach (var model in new[] { "native-model", "test-model" })
        {
            var response = await gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/messages/count_tokens?beta=true")
            {
                Content = new StringContent(body.Replace("MODEL", model, StringComparison.Ordinal), Encoding.UTF8, "application/json"),
                Headers = { { "anthropic-version", "2023-06-01" }, { "anthropic-beta", "context-management-2025-06-27,effort-2025-11-24" } },
            });

            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var count = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt64();
            Assert.True(count > 10, $"{model}: {count}");
        }
    }
}
