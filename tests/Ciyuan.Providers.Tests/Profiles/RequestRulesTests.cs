using System.Text;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Providers.Tests.Profiles;

public sealed class RequestRulesTests
{
    private const string Tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""";

    [Theory]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("llamacpp")]
    [InlineData("ollama")]
    [InlineData("openai-compatible")]
    [InlineData("openrouter")]
    [InlineData("stepfun")]
    [InlineData("some-future-kind")]
    public void Apply_KindWithoutRequestRules_ReturnsSharedUnchangedWithoutReadingBody(string kind)
    {
        // Not even valid JSON: proves the body is never parsed on the fast path.
        var body = "{\"model\":\"m\",\"temperature\":0,\"tool_choice\":\"required\",\"stream_options\":"u8.ToArray();

        var result = RequestRules.Apply(ProviderProfiles.For(kind, "m"), "m", body, stream: true);

        Assert.Same(RuleResult.Unchanged, result);
    }

    [Fact]
    public void Apply_DeepSeekRequestNeedingNothing_ReturnsUnchanged()
    {
        var result = Apply("deepseek", "deepseek-v4-pro", """{"model":"deepseek-v4-pro","messages":[{"role":"user","content":"hi"}],"max_tokens":100,"stream":true,"stream_options":{"include_usage":true}}""", stream: true);

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_GlmMaxCompletionTokensAndStreamOptions_RenamesAndStrips()
    {
        var result = Apply("zhipu", "glm-4.7", """{"model":"glm-4.7","messages":[{"role":"user","content":"你好"}],"max_completion_tokens":512,"stream":true,"stream_options":{"include_usage":true}}""", stream: true);

        AssertRewritten("""{"model":"glm-4.7","messages":[{"role":"user","content":"你好"}],"max_tokens":512,"stream":true}""", result);
        Assert.Contains("renamed max_completion_tokens to max_tokens", result.Changes);
        Assert.Contains(result.Changes, change => change.StartsWith("removed stream_options", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""")]
    public void Apply_GlmToolChoiceThatAutoCannotHonour_RejectsNamingToolChoice(string toolChoice)
    {
        var result = Apply("zai", "glm-5.1", $$"""{"model":"glm-5.1","messages":[],"tools":{{Tools}},"tool_choice":{{toolChoice}}}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal("tool_choice", result.Field);
        Assert.Contains("\"auto\"", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_GlmToolChoiceNone_DropsToolsSoNoToolCanBeCalled()
    {
        var result = Apply("zhipu", "glm-4.7", $$"""{"model":"glm-4.7","messages":[],"tools":{{Tools}},"tool_choice":"none"}""");

        AssertRewritten("""{"model":"glm-4.7","messages":[]}""", result);
    }

    [Fact]
    public void Apply_GlmToolChoiceAuto_PassesUnchanged()
    {
        var result = Apply("zhipu", "glm-4.7", $$"""{"model":"glm-4.7","messages":[],"tools":{{Tools}},"tool_choice":"auto"}""");

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_GlmTemperatureAboveOne_ClampsAndStripsPenalties()
    {
        var result = Apply("zhipu", "glm-4.7", """{"model":"glm-4.7","temperature":1.5,"presence_penalty":0.5,"messages":[]}""");

        AssertRewritten("""{"model":"glm-4.7","temperature":1,"messages":[]}""", result);
        Assert.Contains("temperature 1.5 clamped to 1", result.Changes);
    }

    [Fact]
    public void Apply_MiniMaxTemperatureZero_RejectsNamingTemperature()
    {
        var result = Apply("minimax", "MiniMax-M2.7", """{"model":"MiniMax-M2.7","temperature":0,"messages":[]}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal("temperature", result.Field);
        Assert.Contains("(0, 1]", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MiniMaxUnsupportedParameters_StripsThemAndRenamesMaxTokens()
    {
        var result = Apply("minimax", "MiniMax-M2.7", """{"model":"MiniMax-M2.7","messages":[],"response_format":{"type":"json_object"},"parallel_tool_calls":false,"seed":7,"frequency_penalty":0.2,"max_tokens":300,"temperature":1}""");

        AssertRewritten("""{"model":"MiniMax-M2.7","messages":[],"max_completion_tokens":300,"temperature":1}""", result);
        Assert.Equal(5, result.Changes.Count);
    }

    [Theory]
    [InlineData("kimi-k3", "temperature", "0.3")]
    [InlineData("kimi-k3.1-pro", "temperature", "0.7")]
    [InlineData("kimi-k3", "n", "2")]
    public void Apply_KimiK3NonDefaultSampling_RejectsNamingField(string model, string field, string value)
    {
        var result = Apply("moonshot", model, $$"""{"model":"{{model}}","{{field}}":{{value}},"messages":[]}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal(field, result.Field);
    }

    [Fact]
    public void Apply_KimiK3TemperatureOne_IsAccepted()
    {
        var result = Apply("moonshot", "kimi-k3", """{"model":"kimi-k3","temperature":1,"messages":[]}""");

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_KimiK3ThinkingDisabled_Rejects()
    {
        var result = Apply("moonshot", "kimi-k3", """{"model":"kimi-k3","thinking":{"type":"disabled"},"messages":[]}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal("thinking", result.Field);
    }

    [Fact]
    public void Apply_KimiSixStopStrings_TruncatesToFive()
    {
        var result = Apply("moonshot", "kimi-k2.5", """{"model":"kimi-k2.5","stop":["a","b","c","d","e","f"],"messages":[]}""");

        AssertRewritten("""{"model":"kimi-k2.5","stop":["a","b","c","d","e"],"messages":[]}""", result);
    }

    [Fact]
    public void Apply_KimiStopLongerThan32Bytes_RejectsNamingStop()
    {
        var result = Apply("moonshot", "kimi-k2.5", """{"model":"kimi-k2.5","stop":"0123456789012345678901234567890123","messages":[]}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal("stop", result.Field);
    }

    [Fact]
    public void Apply_KimiK26MaxTokens_RenamedToMaxCompletionTokens()
    {
        var result = Apply("moonshot", "kimi-k2.6", """{"model":"kimi-k2.6","max_tokens":64,"messages":[]}""");

        AssertRewritten("""{"model":"kimi-k2.6","max_completion_tokens":64,"messages":[]}""", result);
    }

    [Fact]
    public void Apply_QwenOpenWeightsNonStreamWithThinking_ForcesThinkingOff()
    {
        var result = Apply("dashscope", "qwen3-32b", """{"model":"qwen3-32b","messages":[],"enable_thinking":true,"thinking_budget":2048}""", stream: false);

        AssertRewritten("""{"model":"qwen3-32b","messages":[],"enable_thinking":false}""", result);
    }

    [Fact]
    public void Apply_QwenOpenWeightsNonStreamWithoutSwitch_AddsThinkingOff()
    {
        var result = Apply("dashscope", "qwen3-235b-a22b", """{"model":"qwen3-235b-a22b","messages":[]}""", stream: false);

        AssertRewritten("""{"model":"qwen3-235b-a22b","messages":[],"enable_thinking":false}""", result);
    }

    [Fact]
    public void Apply_QwenOpenWeightsStream_KeepsThinking()
    {
        var result = Apply("dashscope", "qwen3-32b", """{"model":"qwen3-32b","messages":[],"enable_thinking":true,"stream":true}""", stream: true);

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_QwenHostedModelNonStream_LeavesThinkingAlone()
    {
        var result = Apply("dashscope", "qwen3.5-plus", """{"model":"qwen3.5-plus","messages":[],"enable_thinking":true}""", stream: false);

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_QwenWithThinkingObject_TranslatesToEnableThinkingAndBudget()
    {
        var result = Apply("dashscope", "qwen3.5-plus", """{"model":"qwen3.5-plus","thinking":{"type":"enabled","budget_tokens":4096},"messages":[]}""", stream: true);

        AssertRewritten("""{"model":"qwen3.5-plus","messages":[],"enable_thinking":true,"thinking_budget":4096}""", result);
    }

    [Fact]
    public void Apply_DeepSeekWithEnableThinkingFalse_TranslatesToThinkingObject()
    {
        var result = Apply("deepseek", "deepseek-v4-pro", """{"model":"deepseek-v4-pro","enable_thinking":false,"messages":[]}""");

        AssertRewritten("""{"model":"deepseek-v4-pro","messages":[],"thinking":{"type":"disabled"}}""", result);
    }

    [Theory]
    [InlineData("""{"type":"disabled"}""", "none")]
    [InlineData("""{"type":"enabled","budget_tokens":2048}""", "low")]
    [InlineData("""{"type":"enabled","budget_tokens":10000}""", "medium")]
    [InlineData("""{"type":"enabled","budget_tokens":32000}""", "high")]
    public void Apply_OpenAIWithThinkingObject_TranslatesToReasoningEffort(string thinking, string effort)
    {
        var result = Apply("openai", "gpt-5.1", $$"""{"model":"gpt-5.1","thinking":{{thinking}},"messages":[]}""");

        AssertRewritten($$"""{"model":"gpt-5.1","messages":[],"reasoning_effort":"{{effort}}"}""", result);
    }

    [Fact]
    public void Apply_NativeSwitchPresent_ForeignSwitchLeftForVendorToIgnore()
    {
        var result = Apply("deepseek", "deepseek-v4-pro", """{"model":"deepseek-v4-pro","thinking":{"type":"enabled"},"enable_thinking":false,"messages":[]}""");

        Assert.Equal(RuleOutcome.Unchanged, result.Outcome);
    }

    [Fact]
    public void Apply_Glm53ThinkingDisabled_Rejects()
    {
        var result = Apply("zai", "glm-5.3", """{"model":"glm-5.3","thinking":{"type":"disabled"},"messages":[]}""");

        Assert.Equal(RuleOutcome.Rejected, result.Outcome);
        Assert.Equal("thinking", result.Field);
    }

    [Fact]
    public void Apply_BothMaxTokenFields_KeepsStricterUnderVendorName()
    {
        var result = Apply("openai", "gpt-5.1", """{"model":"gpt-5.1","max_tokens":100,"max_completion_tokens":500,"messages":[]}""");

        AssertRewritten("""{"model":"gpt-5.1","max_completion_tokens":100,"messages":[]}""", result);
    }

    [Fact]
    public void Apply_RewriteWithWhitespaceAndEscapes_CopiesUntouchedMembersVerbatim()
    {
        var result = Apply("zhipu", "glm-4.7", "{ \"model\" : \"glm-4.7\",\n \"messages\": [{\"role\":\"user\",\"content\":\"\\u4f60\\u597d <b>\"}],\n \"stream_options\": {}\n}\n", stream: true);

        AssertRewritten("{\"model\" : \"glm-4.7\",\"messages\": [{\"role\":\"user\",\"content\":\"\\u4f60\\u597d <b>\"}]}\n", result);
    }

    private static RuleResult Apply(string kind, string model, string body, bool stream = false) =>
        RequestRules.Apply(ProviderProfiles.For(kind, model), model, Encoding.UTF8.GetBytes(body), stream);

    private static void AssertRewritten(string expected, RuleResult result)
    {
        Assert.Equal(RuleOutcome.Rewritten, result.Outcome);
        Assert.Equal(expected, Encoding.UTF8.GetString(result.Body!));
        Assert.NotEmpty(result.Changes);
    }
}
