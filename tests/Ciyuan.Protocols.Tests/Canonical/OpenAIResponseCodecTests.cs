using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

public sealed class OpenAIResponseCodecTests
{
    public static TheoryData<string> ToAnthropicCases => Golden.Cases("Canonical/ResponseToAnthropic", ".in.json");

    [Theory]
    [MemberData(nameof(ToAnthropicCases))]
    public void Decode_GoldenResponse_MatchesCanonicalAndAnthropicEncoding(string name)
    {
        var response = OpenAIResponseCodec.Decode(Golden.ReadBytes(name + ".in.json"));

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(response));
        Golden.AssertJson(name + ".out.json", AnthropicResponseCodec.Encode(response, "client-model"));
    }

    [Fact]
    public void EncodeThenDecode_SignedReasoning_SurvivesThroughReasoningDetails()
    {
        var response = new ChatResponse
        {
            Id = "x",
            Model = "m",
            Content = [new ReasoningPart("a", "sig-a"), new ReasoningPart("", null, "redacted"), new TextPart("t"), new ToolCallPart("c1", "f", "{\"k\":1}")],
            FinishReason = FinishReason.ToolCalls,
            Created = 1,
        };

        var decoded = OpenAIResponseCodec.Decode(OpenAIResponseCodec.Encode(response, "m"));

        Assert.Equal(CanonicalDump.Of(response with { RawFinishReason = "tool_calls", Usage = default(TokenUsage) }), CanonicalDump.Of(decoded));
    }

    [Fact]
    public void Decode_ErrorBody_Throws()
    {
        var error = Assert.Throws<TranslationException>(() => OpenAIResponseCodec.Decode("""{"error":{"message":"Insufficient Balance","type":"unknown_error"}}"""u8));

        Assert.Equal("error", error.Field);
    }
}
