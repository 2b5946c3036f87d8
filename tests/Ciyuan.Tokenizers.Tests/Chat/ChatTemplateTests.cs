using Ciyuan.Tokenizers.Chat;

namespace Ciyuan.Tokenizers.Tests.Chat;

public sealed class ChatTemplateTests
{
    private static readonly ChatTokenMessage System = new("system", "Be brief");
    private static readonly ChatTokenMessage User = new("user", "Hello there");
    private static readonly ChatTokenMessage Assistant = new("assistant", "Hi friend");
    private static readonly ChatTokenMessage User2 = new("user", "Thanks a lot");

    public static TheoryData<string, string> TemplateVectors()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in TestData.Vectors.Where(v => v.Tag.StartsWith("chat-template:", StringComparison.Ordinal)))
        {
            data.Add(v.Family, v.Tag);
        }

        return data;
    }

    private static ChatTokenCountRequest RequestFor(string tag)
    {
        var parts = tag.Split(':');
        ChatTokenMessage[] messages = parts[1] switch
        {
            "user_only" => [User],
            "system+user" => [System, User],
            "system+user+assistant+user" => [System, User, Assistant, User2],
            _ => throw new ArgumentException(tag),
        };
        return new ChatTokenCountRequest(messages, EnableThinking: parts.Length > 2 && parts[2] == "no-think" ? false : null);
    }

    [Theory]
    [MemberData(nameof(TemplateVectors))]
    public void Render_TemplateVectorInputs_ReproducesRenderedText(string family, string tag)
    {
        var vector = TestData.Vectors.Single(v => v.Family == family && v.Tag == tag);
        var request = RequestFor(tag);

        var rendered = family == "qwen3" ? QwenChatFormat.Render(request) : DeepSeekV3ChatFormat.Render(request);

        Assert.Equal(vector.Text, rendered);
    }

    [Theory]
    [MemberData(nameof(TemplateVectors))]
    public void CountChat_TemplateVectorInputs_EqualsReferenceTokenCount(string family, string tag)
    {
        var vector = TestData.Vectors.Single(v => v.Family == family && v.Tag == tag);

        var count = TokenizerRegistry.Shared.Get(family).CountChat(RequestFor(tag));

        Assert.Equal(vector.Ids.Length, count);
    }

    [Fact]
    public void Render_QwenToolsAndToolCalls_FollowsTemplate()
    {
        var request = new ChatTokenCountRequest(
            [
                new ChatTokenMessage("system", "S"),
                new ChatTokenMessage("user", "Weather?"),
                new ChatTokenMessage("assistant", "", ToolCalls: [new ChatTokenToolCall("c1", "get_weather", "{\"city\":\"Paris\",\"days\":2}")]),
                new ChatTokenMessage("tool", "{\"t\":20}", ToolCallId: "c1"),
            ],
            ToolsJson: "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"min\":0.5}}}]");

        var rendered = QwenChatFormat.Render(request);

        const string Expected =
            "<|im_start|>system\nS\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
            "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", \"min\": 0.5}}}\n</tools>\n\n" +
            "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
            "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\nWeather?<|im_end|>\n" +
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call><|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\n{\"t\":20}\n</tool_response><|im_end|>\n" +
            "<|im_start|>assistant\n";
        Assert.Equal(Expected, rendered);
    }

    [Fact]
    public void Render_QwenReasoningAfterLastQuery_AddsThinkBlock()
    {
        var request = new ChatTokenCountRequest(
            [new ChatTokenMessage("user", "Q"), new ChatTokenMessage("assistant", "A", ReasoningContent: "\nR\n")],
            AddGenerationPrompt: false);

        Assert.Equal("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nR\n</think>\n\nA<|im_end|>\n", QwenChatFormat.Render(request));
    }

    [Fact]
    public void Render_QwenReasoningBeforeLastQuery_DropsThinkBlock()
    {
        var request = new ChatTokenCountRequest(
        [
            new ChatTokenMessage("user", "Q"),
            new ChatTokenMessage("assistant", "<think>R</think>\n\nA"),
            new ChatTokenMessage("user", "Q2"),
        ]);

        Assert.Equal(
            "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n",
            QwenChatFormat.Render(request));
    }

    [Fact]
    public void Render_DeepSeekToolRoundTrip_FollowsTemplate()
    {
        var request = new ChatTokenCountRequest(
        [
            new ChatTokenMessage("user", "Weather?"),
            new ChatTokenMessage("assistant", "", ToolCalls: [new ChatTokenToolCall("c1", "get_weather", "{\"city\":\"Paris\"}")]),
            new ChatTokenMessage("tool", "20C"),
            new ChatTokenMessage("assistant", "It is 20C."),
        ]);

        Assert.Equal(
            "<｜begin▁of▁sentence｜><｜User｜>Weather?<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\":\"Paris\"}\n```<｜tool▁call▁end｜>" +
            "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>20C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>It is 20C.<｜end▁of▁sentence｜><｜Assistant｜>",
            DeepSeekV3ChatFormat.Render(request));
    }

    [Theory]
    [InlineData("o200k")]
    [InlineData("cl100k")]
    public void CountChat_OpenAIFamilies_AddsCookbookOverhead(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);
        var request = new ChatTokenCountRequest([System, User]);

        var count = tokenizer.CountChat(request);

        var expected = 3 + (2 * 3) + tokenizer.CountTokens("system") + tokenizer.CountTokens("Be brief") + tokenizer.CountTokens("user") + tokenizer.CountTokens("Hello there");
        Assert.Equal(expected, count);
    }

    [Fact]
    public void CountChat_OpenAISpecialStringInContent_CountsAsText()
    {
        var tokenizer = TokenizerRegistry.Shared.Get("o200k");
        var request = new ChatTokenCountRequest([new ChatTokenMessage("user", "<|endoftext|>")], AddGenerationPrompt: false);

        Assert.True(tokenizer.CountChat(request) > 3 + 1 + 1);
    }

    [Fact]
    public void CountChat_Estimate_IsPositiveAndScalesWithContent()
    {
        var estimate = TokenizerRegistry.Shared.Get("ernie");
        var small = estimate.CountChat(new ChatTokenCountRequest([User]));
        var large = estimate.CountChat(new ChatTokenCountRequest([new ChatTokenMessage("user", new string('x', 4000))]));

        Assert.False(estimate.IsExact);
        Assert.True(small > 0);
        Assert.True(large >= 1000);
    }
}
