using System.Text;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Providers.Tests.Profiles;

public sealed class ResponseNormalizerTests
{
    [Theory]
    [InlineData("deepseek", "deepseek-v4-pro")]
    [InlineData("ark", "doubao-seed-2-0-pro")]
    [InlineData("vllm", "Qwen/Qwen3-32B")]
    public void NormalizeCompletion_StandardShape_ReturnsNull(string kind, string model)
    {
        var body = $$$"""{"id":"1","model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"r","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

        Assert.Null(ResponseNormalizer.NormalizeCompletion(ProviderProfiles.For(kind, model), Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void NormalizeCompletion_ThinkTagMidContent_LeftAlone()
    {
        var body = """{"choices":[{"index":0,"message":{"role":"assistant","content":"Use <think> tags like <think>x</think>."},"finish_reason":"stop"}]}""";

        Assert.Null(ResponseNormalizer.NormalizeCompletion(ProviderProfiles.For("vllm", "m"), Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void NormalizeCompletion_GoEscapedThinkTags_Split()
    {
        var body = """{"choices":[{"index":0,"message":{"role":"assistant","content":"\u003cthink\u003ehmm\u003c/think\u003e\nHi \u0026 bye"},"finish_reason":"stop"}]}""";

        var actual = ResponseNormalizer.NormalizeCompletion(ProviderProfiles.For("minimax", "MiniMax-M2.5"), Encoding.UTF8.GetBytes(body));

        Assert.Equal("""{"choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"hmm","content":"Hi & bye"},"finish_reason":"stop"}]}""", Encoding.UTF8.GetString(actual!));
    }

    [Fact]
    public void NormalizeCompletion_OllamaLeavesThinkTagsToOllama_ButRenamesReasoning()
    {
        var body = """{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>x</think>y","reasoning":"r"},"finish_reason":"stop"}]}""";

        var actual = ResponseNormalizer.NormalizeCompletion(ProviderProfiles.For("ollama", "qwen3:8b"), Encoding.UTF8.GetBytes(body));

        Assert.Equal("""{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>x</think>y","reasoning_content":"r"},"finish_reason":"stop"}]}""", Encoding.UTF8.GetString(actual!));
    }

    [Fact]
    public void NormalizeCompletion_NotJson_ReturnsNull()
    {
        Assert.Null(ResponseNormalizer.NormalizeCompletion(ProviderProfiles.For("minimax", "MiniMax-M2.7"), "<html><think>"u8));
    }

    [Fact]
    public void StreamNormalizer_ThinkBlockNeverClosed_ReleasesHeldTextAsReasoningAtFinish()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("llamacpp", "m"));

        var first = normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"<think>cut off </thi"},"finish_reason":null}]}"""u8);
        var last = normalizer.Normalize("""{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"""u8);

        Assert.Equal("""{"choices":[{"index":0,"delta":{"reasoning_content":"cut off ","content":""},"finish_reason":null}]}""", Encoding.UTF8.GetString(first!));
        Assert.Equal("""{"choices":[{"index":0,"delta":{"reasoning_content":"</thi"},"finish_reason":"length"}]}""", Encoding.UTF8.GetString(last!));
    }

    [Fact]
    public void StreamNormalizer_PartialOpenTagThatIsNotATag_ReleasedAsContent()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("minimax", "MiniMax-M2.7"));

        var first = normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"<th"},"finish_reason":null}]}"""u8);
        var second = normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"ree"},"finish_reason":null}]}"""u8);

        Assert.Equal("""{"choices":[{"index":0,"delta":{"content":""},"finish_reason":null}]}""", Encoding.UTF8.GetString(first!));
        Assert.Equal("""{"choices":[{"index":0,"delta":{"content":"<three"},"finish_reason":null}]}""", Encoding.UTF8.GetString(second!));
    }

    [Fact]
    public void StreamNormalizer_AfterContentStartsWithoutThink_FastPathsLaterChunks()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("vllm", "m"));

        Assert.Null(normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"""u8));
        Assert.Null(normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"<think>not a block</think>"},"finish_reason":null}]}"""u8));
    }

    [Fact]
    public void StreamNormalizer_ProfileWithoutResponseRules_NeverParses()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("ark", "doubao-seed-2-0-pro"));

        Assert.Null(normalizer.Normalize("not json at all"u8));
    }

    [Fact]
    public void StreamNormalizer_MidStreamErrorChunk_Unchanged()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("minimax", "MiniMax-M2.7"));

        Assert.Null(normalizer.Normalize("""{"error":{"message":"content: <think>","type":"x"}}"""u8));
    }
    [Fact]
    public void StreamNormalizer_RoleChunkThenThinkBlockAfterWhitespace_StillSplit()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("openai-compatible", "m"));

        // An empty first piece and a piece opening with whitespace decide nothing: both leave the block to be found.
        Assert.Null(normalizer.Normalize("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"""u8));
        var opening = normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"  <thi"},"finish_reason":null}]}"""u8);
        var rest = normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"nk>why</think>\n\nAnswer"},"finish_reason":null}]}"""u8);

        Assert.Equal("""{"choices":[{"index":0,"delta":{"content":""},"finish_reason":null}]}""", Encoding.UTF8.GetString(opening!));
        Assert.Equal("""{"choices":[{"index":0,"delta":{"reasoning_content":"why","content":"Answer"},"finish_reason":null}]}""", Encoding.UTF8.GetString(rest!));
    }

    [Theory]
    [InlineData("\\u003cthink>why\\u003c/think>Answer", "why", "Answer")]
    [InlineData("\u00a0<think>why</think>Answer", "why", "Answer")]
    public void StreamNormalizer_ThinkBlockEscapedOrAfterOddSpace_StillSplit(string content, string reasoning, string answer)
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("sglang", "m"));
        var chunk = Encoding.UTF8.GetBytes($$"""{"choices":[{"index":0,"delta":{"content":"{{content}}"},"finish_reason":null}]}""");

        var rewritten = normalizer.Normalize(chunk);

        using var document = System.Text.Json.JsonDocument.Parse(rewritten!);
        var delta = document.RootElement.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal(reasoning, delta.GetProperty("reasoning_content").GetString());
        Assert.Equal(answer, delta.GetProperty("content").GetString());
    }

    [Fact]
    public void StreamNormalizer_PlainAnswerToItsFinish_ForwardedUnchangedAndSettled()
    {
        var normalizer = ResponseNormalizer.CreateStreamNormalizer(ProviderProfiles.For("openai-compatible", "m"));

        Assert.Null(normalizer.Normalize("""{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"""u8));
        Assert.Null(normalizer.Normalize("""{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}"""u8));
        Assert.Null(normalizer.Normalize("""{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""u8));
        Assert.Null(normalizer.Normalize("""{"choices":[{"index":0,"delta":{"content":"<think>late</think>"},"finish_reason":null}]}"""u8));
    }
}
