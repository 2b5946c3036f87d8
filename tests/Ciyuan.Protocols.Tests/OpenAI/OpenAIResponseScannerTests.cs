using System.Globalization;
using System.Text;
using Ciyuan.Core.Budgets;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Protocols.Tests.OpenAI;

public sealed class OpenAIResponseScannerTests
{
    private static OpenAIChunkFacts Scan(string json) => OpenAIResponseScanner.Scan(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Scan_OpenAIFinalUsageChunk_ReadsUsageAndEmptyChoices()
    {
        var facts = Scan("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":60,"completion_tokens":18,"total_tokens":78,"prompt_tokens_details":{"cached_tokens":20},"completion_tokens_details":{"reasoning_tokens":5}}}""");

        Assert.True(facts.HasUsage);
        Assert.Equal(new TokenUsage(40, 20, 0, 18, 5), facts.Usage);
        Assert.True(facts.ChoicesEmpty);
        Assert.False(facts.IsError);
        Assert.False(facts.Malformed);
        Assert.Equal(0, facts.GeneratedBytes);
        Assert.Null(facts.FinishReason);
    }

    [Fact]
    public void Scan_OpenAIContentChunkWithNullUsage_HasNoUsage()
    {
        var facts = Scan("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1763800000,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}],"usage":null}""");

        Assert.False(facts.HasUsage);
        Assert.Equal(default, facts.Usage);
        Assert.False(facts.ChoicesEmpty);
        Assert.Equal(5, facts.GeneratedBytes);
        Assert.Null(facts.FinishReason);
    }

    [Fact]
    public void Scan_OpenAINonStreamToolCallResponse_ReadsUsageAndFinishReason()
    {
        var facts = Scan("""
            {"id":"chatcmpl-1","object":"chat.completion","created":1763800000,"model":"gpt-x",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,
               "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
               "finish_reason":"tool_calls","logprobs":null}],
             "usage":{"prompt_tokens":60,"completion_tokens":18,"total_tokens":78,
               "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
            """);

        Assert.True(facts.HasUsage);
        Assert.Equal(new TokenUsage(60, 0, 0, 18, 0), facts.Usage);
        Assert.Equal("tool_calls", facts.FinishReason);
        Assert.False(facts.ChoicesEmpty);
        Assert.True(facts.GeneratedBytes >= 2, "tool-call arguments count as generated text");
    }

    [Fact]
    public void Scan_DeepSeekLastChunk_ReadsHitMissAndReasoning()
    {
        var facts = Scan("""{"id":"x","object":"chat.completion.chunk","created":1,"model":"deepseek-v4-pro","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":40,"total_tokens":52,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":12,"completion_tokens_details":{"reasoning_tokens":33}}}""");

        Assert.True(facts.HasUsage);
        Assert.Equal(new TokenUsage(12, 0, 0, 40, 33), facts.Usage);
        Assert.Equal("stop", facts.FinishReason);
        Assert.False(facts.ChoicesEmpty);
    }

    [Fact]
    public void Scan_DeepSeekCacheHits_SplitPrompt()
    {
        var facts = Scan("""{"choices":[],"usage":{"prompt_tokens":1024,"completion_tokens":7,"prompt_cache_hit_tokens":1000,"prompt_cache_miss_tokens":24}}""");

        Assert.Equal(new TokenUsage(24, 1000, 0, 7, 0), facts.Usage);
    }

    [Fact]
    public void Scan_DeepSeekWithoutPromptTokens_PromptIsHitPlusMiss()
    {
        var facts = Scan("""{"usage":{"completion_tokens":3,"prompt_cache_miss_tokens":7,"prompt_cache_hit_tokens":5}}""");

        Assert.Equal(new TokenUsage(7, 5, 0, 3, 0), facts.Usage);
    }

    [Fact]
    public void Scan_DeepSeekHitAlsoInDetails_CachedCountedOnce()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":100,"completion_tokens":1,"prompt_cache_hit_tokens":64,"prompt_cache_miss_tokens":36,"prompt_tokens_details":{"cached_tokens":64}}}""");

        Assert.Equal(new TokenUsage(36, 64, 0, 1, 0), facts.Usage);
    }

    [Fact]
    public void Scan_MoonshotUsageInsideChoice_ReadsUsageAndFinishReason()
    {
        var facts = Scan("""{"id":"c","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":19,"completion_tokens":13,"total_tokens":32,"cached_tokens":0}}]}""");

        Assert.True(facts.HasUsage);
        Assert.Equal(new TokenUsage(19, 0, 0, 13, 0), facts.Usage);
        Assert.Equal("stop", facts.FinishReason);
        Assert.False(facts.ChoicesEmpty);
    }

    [Fact]
    public void Scan_MoonshotTopLevelCachedTokens_AreCacheReads()
    {
        var facts = Scan("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":19,"completion_tokens":13,"total_tokens":32,"cached_tokens":16}}]}""");

        Assert.Equal(new TokenUsage(3, 16, 0, 13, 0), facts.Usage);
    }

    [Fact]
    public void Scan_MoonshotCachedReportedTwice_CountedOnce()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":100,"completion_tokens":2,"cached_tokens":80,"prompt_tokens_details":{"cached_tokens":80}}}""");

        Assert.Equal(new TokenUsage(20, 80, 0, 2, 0), facts.Usage);
    }

    [Fact]
    public void Scan_QwenFinalChunk_ReadsDetailsCachedTokens()
    {
        var facts = Scan("""{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"qwen3.5-plus","choices":[],"usage":{"prompt_tokens":5200,"completion_tokens":310,"total_tokens":5510,"prompt_tokens_details":{"cached_tokens":5100}}}""");

        Assert.Equal(new TokenUsage(100, 5100, 0, 310, 0), facts.Usage);
        Assert.True(facts.ChoicesEmpty);
    }

    [Fact]
    public void Scan_QwenExplicitCacheCreation_IsCacheWrite()
    {
        var facts = Scan("""{"choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":100,"cache_creation_input_tokens":50,"cache_type":"ephemeral"}}}""");

        Assert.Equal(new TokenUsage(850, 100, 50, 10, 0), facts.Usage);
    }

    [Fact]
    public void Scan_GlmLastContentChunkWithUsage_ReadsBoth()
    {
        var facts = Scan("""{"id":"g","created":1,"model":"glm-4.7","choices":[{"index":0,"finish_reason":"stop","delta":{"role":"assistant","content":"好"}}],"usage":{"prompt_tokens":8,"completion_tokens":120,"total_tokens":128,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":100}}}""");

        Assert.Equal(new TokenUsage(6, 2, 0, 120, 100), facts.Usage);
        Assert.Equal("stop", facts.FinishReason);
        Assert.Equal(3, facts.GeneratedBytes);
    }

    [Fact]
    public void Scan_AnthropicStyleUsage_PromptIncludesCacheReadAndWrite()
    {
        var facts = Scan("""{"usage":{"input_tokens":55,"output_tokens":30,"cache_creation_input_tokens":100,"cache_read_input_tokens":1000}}""");

        Assert.Equal(new TokenUsage(55, 1000, 100, 30, 0), facts.Usage);
    }

    [Fact]
    public void Scan_ResponsesApiStyleUsage_CachedInsideInputTokens()
    {
        var facts = Scan("""{"usage":{"input_tokens":500,"input_tokens_details":{"cached_tokens":300},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":540}}""");

        Assert.Equal(new TokenUsage(200, 300, 0, 40, 12), facts.Usage);
    }

    [Fact]
    public void Scan_NegativeOrNonNumericCounts_AreSuspectAndCountedAsZero()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":-5,"completion_tokens":"7","prompt_tokens_details":{"cached_tokens":-3},"completion_tokens_details":{"reasoning_tokens":-1}}}""");
        var check = UsageCheck.Count(facts.Usage, new TokenCeiling(1_000, 1_000));

        Assert.True(facts.HasUsage);
        Assert.True(check.Suspect);
        Assert.Equal(new TokenUsage(0, 0, 0, 0, 0), check.Counted);
    }

    [Fact]
    public void Scan_CachedAbovePrompt_ReportsTheClaimWhichCountsAsSuspect()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":50}}}""");
        var check = UsageCheck.Count(facts.Usage, new TokenCeiling(long.MaxValue, long.MaxValue));

        Assert.Equal(new TokenUsage(-40, 50, 0, 1, 0), facts.Usage);
        Assert.True(check.Suspect);
        Assert.Equal(new TokenUsage(0, 10, 0, 1, 0), check.Counted);
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":-5,"completion_tokens":3}}""", -5L, 3L)]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":99999999999999999999999}}""", 5L, long.MaxValue)]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":-99999999999999999999999}}""", 5L, long.MinValue)]
    [InlineData("""{"usage":{"prompt_tokens":5,"completion_tokens":2.5}}""", 5L, long.MinValue)]
    public void Scan_MalformedCounts_AreReportedSoTheyCountAsSuspect(string json, long prompt, long output)
    {
        var facts = Scan(json);

        Assert.Equal(prompt, facts.Usage.PromptTokens);
        Assert.Equal(output, facts.Usage.Output);
        Assert.True(UsageCheck.Count(facts.Usage, new TokenCeiling(1_000, 1_000)).Suspect);
    }

    [Fact]
    public void Scan_UnknownUsageFields_AreIgnored()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":10,"completion_tokens":2,"extra":{"prompt_tokens":999},"list":[1,2,3],"queue_time":0.5}}""");

        Assert.Equal(new TokenUsage(10, 0, 0, 2, 0), facts.Usage);
    }

    [Theory]
    [InlineData("""{"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"}}""")]
    [InlineData("""{"error":"upstream exploded"}""")]
    [InlineData("""{"id":"x","error":{"message":"overloaded"},"choices":[]}""")]
    public void Scan_MidStreamError_IsError(string json)
    {
        var facts = Scan(json);

        Assert.True(facts.IsError);
        Assert.False(facts.Malformed);
    }

    [Theory]
    [InlineData("""{"error":null,"choices":[]}""")]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"error"}}]}""")]
    public void Scan_NoErrorObject_IsNotError(string json)
    {
        Assert.False(Scan(json).IsError);
    }

    [Theory]
    [InlineData("[DONE]")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"choices\":[{\"delta\":{\"content\":\"tru")]
    [InlineData("{\"usage\":{\"prompt_tokens\":1")]
    public void Scan_NotAJsonObject_IsMalformed(string json)
    {
        Assert.True(Scan(json).Malformed);
    }

    [Fact]
    public void Scan_ChoicesMissing_IsNotChoicesEmpty()
    {
        var facts = Scan("""{"usage":{"prompt_tokens":1,"completion_tokens":1}}""");

        Assert.False(facts.ChoicesEmpty);
        Assert.True(facts.HasUsage);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"Hello!"}}]}""", 6)]
    [InlineData("""{"choices":[{"delta":{"reasoning_content":"User greets."}}]}""", 12)]
    [InlineData("""{"choices":[{"delta":{"reasoning":"think"}}]}""", 5)]
    [InlineData("""{"choices":[{"delta":{"role":"assistant","content":null}}]}""", 0)]
    [InlineData("""{"choices":[{"delta":{"content":"你好"}}]}""", 6)]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"[1,"}}]}}]}""", 3)]
    [InlineData("""{"choices":[{"delta":{"reasoning_details":[{"type":"reasoning.text","text":"abc"}]}}]}""", 3)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"ab"}},{"index":1,"delta":{"content":"cde"}}]}""", 5)]
    public void Scan_GeneratedText_CountsUtf8BytesOfContentReasoningAndArguments(string json, int expected)
    {
        Assert.Equal(expected, Scan(json).GeneratedBytes);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"a\nb"}}]}""", 3)]
    [InlineData("""{"choices":[{"delta":{"content":"\u4f60\u597d"}}]}""", 6)]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\""}}]}}]}""", 4)]
    public void Scan_GeneratedTextWithJsonEscapes_CountsUnescapedUtf8Bytes(string json, int expected)
    {
        // Python servers (vLLM, SGLang) escape non-ASCII as \uXXXX; the escaped form is not the text.
        Assert.Equal(expected, Scan(json).GeneratedBytes);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{},"finish_reason":"length"}]}""", "length")]
    [InlineData("""{"choices":[{"delta":{},"finish_reason":"sensitive"}]}""", "sensitive")]
    [InlineData("""{"choices":[{"delta":{},"finish_reason":null}]}""", null)]
    [InlineData("""{"choices":[{"delta":{}}]}""", null)]
    public void Scan_FinishReason_IsRawVendorValue(string json, string? expected)
    {
        Assert.Equal(expected, Scan(json).FinishReason);
    }

    /// <summary>The usage shapes of docs/dialects.md ("What varies between OpenAI-dialect vendors"), each filled from a random draw.</summary>
    public enum VendorShape
    {
        OpenAIFinalChunk,
        DeepSeekHitMiss,
        DeepSeekHitMissWithoutPrompt,
        MoonshotInChoice,
        MoonshotBothCachedFields,
        QwenDetails,
        GlmLastChunk,
        AnthropicStyle,
    }

    [Theory]
    [InlineData(VendorShape.OpenAIFinalChunk, 101)]
    [InlineData(VendorShape.DeepSeekHitMiss, 202)]
    [InlineData(VendorShape.DeepSeekHitMissWithoutPrompt, 303)]
    [InlineData(VendorShape.MoonshotInChoice, 404)]
    [InlineData(VendorShape.MoonshotBothCachedFields, 505)]
    [InlineData(VendorShape.QwenDetails, 606)]
    [InlineData(VendorShape.GlmLastChunk, 707)]
    [InlineData(VendorShape.AnthropicStyle, 808)]
    public void Scan_RandomUsagePayloads_BucketsNonNegativeAndSumToPrompt(VendorShape shape, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 2_000; i++)
        {
            // Mostly consistent reports, sometimes adversarial: cached above prompt, negative counts.
            var adversarial = random.Next(10) == 0;
            var prompt = random.NextInt64(0, 1_000_000);
            var cached = adversarial ? random.NextInt64(-100, 2_000_000) : random.NextInt64(0, prompt + 1);
            var output = adversarial ? random.NextInt64(-100, 50_000) : random.NextInt64(0, 50_000);
            var reasoning = adversarial ? random.NextInt64(-100, 100_000) : random.NextInt64(0, output + 1);
            var write = random.NextInt64(0, 5_000);

            var (json, expectedPrompt) = Render(shape, prompt, cached, write, output, reasoning);
            var facts = Scan(json);
            var check = UsageCheck.Count(facts.Usage, new TokenCeiling(long.MaxValue, long.MaxValue));
            var usage = check.Counted;
            var context = $"{shape} #{i}: {json}";

            Assert.True(facts.HasUsage, context);
            Assert.True(usage.InputUncached >= 0 && usage.CacheRead >= 0 && usage.CacheWrite >= 0 && usage.Output >= 0 && usage.Reasoning >= 0, context);
            Assert.True(usage.PromptTokens == expectedPrompt, $"{context}: prompt {usage.PromptTokens} != {expectedPrompt}");
            Assert.True(usage.Output == Math.Max(0, output), context);
            Assert.True(usage.Reasoning <= usage.Output, context);
            if (!adversarial)
            {
                Assert.False(check.Suspect, context);
            }

            if (!adversarial && shape != VendorShape.AnthropicStyle)
            {
                Assert.True(usage.CacheRead == cached, $"{context}: cache read {usage.CacheRead} != {cached}");
            }
        }
    }

    private static (string Json, long ExpectedPrompt) Render(VendorShape shape, long prompt, long cached, long write, long output, long reasoning)
    {
        var (json, expectedPrompt) = shape switch
        {
            VendorShape.OpenAIFinalChunk => (
                """{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"total_tokens":#T#,"prompt_tokens_details":{"cached_tokens":#C#},"completion_tokens_details":{"reasoning_tokens":#R#}}}""",
                prompt),
            VendorShape.DeepSeekHitMiss => (
                """{"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"total_tokens":#T#,"prompt_cache_hit_tokens":#C#,"prompt_cache_miss_tokens":#M#,"completion_tokens_details":{"reasoning_tokens":#R#}}}""",
                prompt),
            VendorShape.DeepSeekHitMissWithoutPrompt => (
                """{"choices":[],"usage":{"completion_tokens":#O#,"prompt_cache_hit_tokens":#C#,"prompt_cache_miss_tokens":#M#,"completion_tokens_details":{"reasoning_tokens":#R#}}}""",
                Math.Max(0, cached) + Math.Max(0, prompt - cached)),
            VendorShape.MoonshotInChoice => (
                """{"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"total_tokens":#T#,"cached_tokens":#C#,"completion_tokens_details":{"reasoning_tokens":#R#}}}]}""",
                prompt),
            VendorShape.MoonshotBothCachedFields => (
                """{"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"cached_tokens":#C#,"prompt_tokens_details":{"cached_tokens":#C#},"completion_tokens_details":{"reasoning_tokens":#R#}}}]}""",
                prompt),
            VendorShape.QwenDetails => (
                """{"id":"chatcmpl-9","choices":[],"usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"total_tokens":#T#,"prompt_tokens_details":{"cached_tokens":#C#},"completion_tokens_details":{"reasoning_tokens":#R#}}}""",
                prompt),
            VendorShape.GlmLastChunk => (
                """{"choices":[{"index":0,"finish_reason":"stop","delta":{"role":"assistant","content":"x"}}],"usage":{"prompt_tokens":#P#,"completion_tokens":#O#,"total_tokens":#T#,"prompt_tokens_details":{"cached_tokens":#C#},"completion_tokens_details":{"reasoning_tokens":#R#}}}""",
                prompt),
            VendorShape.AnthropicStyle => (
                """{"usage":{"input_tokens":#P#,"output_tokens":#O#,"cache_creation_input_tokens":#W#,"cache_read_input_tokens":#C#}}""",
                prompt + Math.Max(0, cached) + write),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        var filled = json
            .Replace("#P#", N(prompt), StringComparison.Ordinal)
            .Replace("#O#", N(output), StringComparison.Ordinal)
            .Replace("#T#", N(prompt + output), StringComparison.Ordinal)
            .Replace("#C#", N(cached), StringComparison.Ordinal)
            .Replace("#M#", N(Math.Max(0, prompt - cached)), StringComparison.Ordinal)
            .Replace("#R#", N(reasoning), StringComparison.Ordinal)
            .Replace("#W#", N(write), StringComparison.Ordinal);
        return (filled, expectedPrompt);
    }
}
