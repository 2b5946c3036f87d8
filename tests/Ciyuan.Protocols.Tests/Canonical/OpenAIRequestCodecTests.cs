using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

public sealed class OpenAIRequestCodecTests
{
    public static TheoryData<string> ToAnthropicCases => Golden.Cases("Canonical/RequestToAnthropic", ".in.json");

    public static TheoryData<string> ErrorCases => Golden.Cases("Canonical/RequestErrors", ".in.json");

    [Theory]
    [MemberData(nameof(ToAnthropicCases))]
    public void Decode_GoldenRequest_MatchesCanonicalAndAnthropicEncoding(string name)
    {
        var request = OpenAIRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(request));
        Golden.AssertJson(name + ".out.json", AnthropicRequestCodec.Encode(request, "claude-upstream"));
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void DecodeThenEncode_InvalidOrInexpressible_ThrowsNamingField(string name)
    {
        var error = Assert.Throws<TranslationException>(() =>
        {
            var request = OpenAIRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));
            AnthropicRequestCodec.Encode(request, "claude-upstream");
        });

        Golden.AssertText(name + ".error.txt", error.Message + "\n");
    }

    [Fact]
    public void Encode_OpenAISource_WritesExtensionsBackAndForcesUsage()
    {
        var body = """{"model":"gpt-x","messages":[{"role":"user","content":"hi"}],"stream":true,"seed":7,"logprobs":true}"""u8;

        var encoded = Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(OpenAIRequestCodec.Decode(body), new OpenAIEncodeOptions { UpstreamModel = "qwen-plus" }));

        Assert.Equal("""{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"seed":7,"logprobs":true}""", encoded);
    }

    [Theory]
    [InlineData(ThinkingStyle.ThinkingObject, "enabled", "\"thinking\":{\"type\":\"enabled\"}")]
    [InlineData(ThinkingStyle.ThinkingObject, "disabled", "\"thinking\":{\"type\":\"disabled\"}")]
    [InlineData(ThinkingStyle.EnableThinking, "enabled", "\"enable_thinking\":true,\"thinking_budget\":8000")]
    [InlineData(ThinkingStyle.EnableThinking, "disabled", "\"enable_thinking\":false")]
    [InlineData(ThinkingStyle.ReasoningEffort, "enabled", "\"reasoning_effort\":\"medium\"")]
    [InlineData(ThinkingStyle.ReasoningEffort, "disabled", "\"reasoning_effort\":\"none\"")]
    public void Encode_AnthropicThinking_UsesUpstreamThinkingStyle(ThinkingStyle style, string type, string expected)
    {
        var budget = type == "enabled" ? ""","budget_tokens":8000""" : "";
        var body = Encoding.UTF8.GetBytes($$"""{"model":"claude-x","max_tokens":9000,"thinking":{"type":"{{type}}"{{budget}}},"messages":[{"role":"user","content":"hi"}]}""");

        var encoded = Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(AnthropicRequestCodec.Decode(body), new OpenAIEncodeOptions { UpstreamModel = "m", ThinkingStyle = style }));

        Assert.Contains(expected, encoded, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_DocumentWithSupportingUpstream_WritesFilePart()
    {
        var body = """{"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="},"title":"a.pdf"}]}]}"""u8;

        var encoded = Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(AnthropicRequestCodec.Decode(body), new OpenAIEncodeOptions { UpstreamModel = "m", SupportsDocuments = true }));

        Assert.Contains("""{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}""", encoded, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_OptionsForOtherUpstreams_RenameFields()
    {
        var body = """{"model":"claude-x","max_tokens":10,"top_k":5,"stop_sequences":["a","b"],"metadata":{"user_id":"u1"},"messages":[{"role":"user","content":"hi"}]}"""u8;
        var options = new OpenAIEncodeOptions { UpstreamModel = "m", MaxTokensField = "max_completion_tokens", SupportsTopK = true, MaxStopSequences = 2, UserField = "user_id" };

        var encoded = Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(AnthropicRequestCodec.Decode(body), options));

        Assert.Equal("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":10,"top_k":5,"stop":["a","b"],"user_id":"u1"}""", encoded);
    }

    [Fact]
    public void Encode_MoreStopSequencesThanTheUpstreamTakes_IsRefusedNotTruncated()
    {
        var request = AnthropicRequestCodec.Decode("""{"model":"claude-x","max_tokens":10,"stop_sequences":["a","b","c"],"messages":[{"role":"user","content":"hi"}]}"""u8);
        var options = new OpenAIEncodeOptions { UpstreamModel = "m", MaxStopSequences = 2 };

        var error = Assert.Throws<TranslationException>(() => OpenAIRequestCodec.Encode(request, options));

        Assert.Equal("stop_sequences", error.Field);
    }
}
