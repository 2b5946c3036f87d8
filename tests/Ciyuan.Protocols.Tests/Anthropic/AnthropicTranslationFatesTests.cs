using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

/// <summary>What each Anthropic field Claude Code sends becomes at each kind of OpenAI-dialect upstream.</summary>
public sealed class AnthropicTranslationFatesTests
{
    private static readonly OpenAIEncodeOptions DeepSeek = new()
    {
        UpstreamModel = "deepseek-v4-pro",
        ThinkingStyle = ThinkingStyle.ThinkingObject,
        EffortWords = ["high", "max"],
        UserField = "user_id",
    };

    private static readonly OpenAIEncodeOptions Qwen = new() { UpstreamModel = "qwen3.5-plus", ThinkingStyle = ThinkingStyle.EnableThinking };

    private static readonly OpenAIEncodeOptions OpenAI = new()
    {
        UpstreamModel = "gpt-x",
        ThinkingStyle = ThinkingStyle.ReasoningEffort,
        EffortWords = ["none", "minimal", "low", "medium", "high", "xhigh"],
        SystemMessagesAnywhere = true,
    };

    private static readonly OpenAIEncodeOptions KimiK3 = new() { UpstreamModel = "kimi-k3", ThinkingStyle = ThinkingStyle.ReasoningEffort, EffortWords = ["low", "high", "max"] };

    private static readonly OpenAIEncodeOptions SelfHosted = new() { UpstreamModel = "Qwen/Qwen3.5-27B" };

    private static (JsonObject Body, List<string> Dropped) Translate(string anthropicBody, OpenAIEncodeOptions options)
    {
        var dropped = new List<string>();
        var bytes = OpenAIRequestCodec.Encode(AnthropicRequestCodec.Decode(Encoding.UTF8.GetBytes(anthropicBody)), options, dropped);
        return (JsonNode.Parse(bytes)!.AsObject(), dropped);
    }

    private static string Body(string extra) =>
        $$"""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"hi"}]{{extra}}}""";

    [Theory]
    [InlineData("high", "high")]
    [InlineData("medium", "high")]
    [InlineData("low", "high")]
    [InlineData("max", "max")]
    [InlineData("xhigh", "max")]
    public void Encode_AdaptiveThinkingWithEffortForDeepSeek_EnablesThinkingAtNearestEffort(string effort, string expected)
    {
        var (body, dropped) = Translate(Body($$""","thinking":{"type":"adaptive"},"output_config":{"effort":"{{effort}}"}"""), DeepSeek);

        Assert.Equal("enabled", body["thinking"]!["type"]!.GetValue<string>());
        Assert.Equal(expected, body["reasoning_effort"]!.GetValue<string>());
        Assert.Empty(dropped);
    }

    [Fact]
    public void Encode_EnabledThinkingBudgetForDeepSeek_BecomesAnEffortWord()
    {
        var (body, _) = Translate(Body(""","thinking":{"type":"enabled","budget_tokens":31999}"""), DeepSeek);

        Assert.Equal("enabled", body["thinking"]!["type"]!.GetValue<string>());
        Assert.Equal("high", body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_AdaptiveThinkingWithEffortForQwen_BecomesEnableThinkingWithABudget()
    {
        var (body, dropped) = Translate(Body(""","thinking":{"type":"adaptive"},"output_config":{"effort":"high"}"""), Qwen);

        Assert.True(body["enable_thinking"]!.GetValue<bool>());
        Assert.Equal(32768, body["thinking_budget"]!.GetValue<int>());
        Assert.Empty(dropped);
    }

    [Fact]
    public void Encode_MaxEffortForOpenAI_BecomesItsStrongestWord()
    {
        var (body, _) = Translate(Body(""","thinking":{"type":"adaptive"},"output_config":{"effort":"max"}"""), OpenAI);

        Assert.Equal("xhigh", body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_DisabledThinkingForAnUpstreamThatAlwaysThinks_IsRefused()
    {
        var error = Assert.Throws<TranslationException>(() => Translate(Body(""","thinking":{"type":"disabled"}"""), KimiK3));

        Assert.Equal("thinking", error.Field);
    }

    [Fact]
    public void Encode_ThinkingForAnUpstreamWithoutASwitch_IsDroppedAndReported()
    {
        var (body, dropped) = Translate(Body(""","thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"high"}"""), SelfHosted);

        Assert.False(body.ContainsKey("thinking"));
        Assert.False(body.ContainsKey("reasoning_effort"));
        Assert.Equal(["thinking.display", "thinking", "output_config.effort"], dropped);
    }

    [Fact]
    public void Encode_CacheControlAndDroppedFields_AreReportedOnce()
    {
        var (body, dropped) = Translate(
            """{"model":"m","max_tokens":100,"service_tier":"auto","system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}""",
            SelfHosted);

        Assert.Equal(["service_tier", "cache_control"], dropped);
        Assert.DoesNotContain("cache_control", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TextMentioningCacheControl_IsNotACacheMarker()
    {
        var (_, dropped) = Translate(Body("").Replace("\"hi\"", "\"say \\\"cache_control\\\": yes\"", StringComparison.Ordinal), SelfHosted);

        Assert.Empty(dropped);
    }

    [Fact]
    public void Encode_MidConversationSystemForOpenAI_StaysASystemMessageInPlace()
    {
        var (body, _) = Translate(
            """{"model":"m","max_tokens":100,"system":"first","messages":[{"role":"user","content":"hi"},{"role":"system","content":"later"},{"role":"assistant","content":"ok"},{"role":"user","content":"go"}]}""",
            OpenAI);

        var roles = body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>());
        Assert.Equal(["system", "user", "system", "assistant", "user"], roles);
        Assert.Equal("later", body["messages"]![2]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_MidConversationSystemAfterAssistant_IsMergedIntoTheNextUserMessageWithAMarker()
    {
        var (body, _) = Translate(
            """{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"},{"role":"system","content":"now be brief"},{"role":"user","content":"go"}]}""",
            DeepSeek);

        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var parts = messages[2]!["content"]!.AsArray();
        Assert.Equal("<system>\nnow be brief\n</system>", parts[0]!["text"]!.GetValue<string>());
        Assert.Equal("go", parts[1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_MidConversationSystemAtTheEnd_IsAppendedToThePrecedingUserMessage()
    {
        var (body, _) = Translate(
            """{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"hi"},{"role":"system","content":"context"}]}""",
            SelfHosted);

        var messages = body["messages"]!.AsArray();
        var only = Assert.Single(messages);
        Assert.Equal("<system>\ncontext\n</system>", only!["content"]![1]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_ConformingUserIdForDeepSeek_IsSentAsIs()
    {
        var (body, _) = Translate(Body(""","metadata":{"user_id":"tenant-42_a"}"""), DeepSeek);

        Assert.Equal("tenant-42_a", body["user_id"]!.GetValue<string>());
    }

    [Fact]
    public void Encode_JsonUserIdForDeepSeek_IsSentAsAStableHash()
    {
        const string claudeCodeStyle = ""","metadata":{"user_id":"{\"device_id\":\"abc\"}"}""";

        var first = Translate(Body(claudeCodeStyle), DeepSeek).Body["user_id"]!.GetValue<string>();
        var second = Translate(Body(claudeCodeStyle), DeepSeek).Body["user_id"]!.GetValue<string>();

        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Decode_RefusedAndUnknownFields_AreListedWithTheirFates()
    {
        var request = AnthropicRequestCodec.Decode(Encoding.UTF8.GetBytes(Body(""","mcp_servers":[],"speed":"fast","something_new":1""")));

        Assert.Equal(
            [("mcp_servers", FieldFate.Refused), ("speed", FieldFate.Dropped), ("something_new", FieldFate.Refused)],
            request.SourceFields.Select(f => (f.Path, f.Fate)));
    }
}
