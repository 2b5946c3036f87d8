using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

public sealed class AnthropicResponseCodecTests
{
    public static TheoryData<string> ToOpenAICases => Golden.Cases("Anthropic/ResponseToOpenAI", ".in.json");

    [Theory]
    [MemberData(nameof(ToOpenAICases))]
    public void Decode_GoldenResponse_MatchesCanonicalAndOpenAIEncoding(string name)
    {
        var response = AnthropicResponseCodec.Decode(Golden.ReadBytes(name + ".in.json")) with { Created = 1763800000 };

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(response));
        Golden.AssertJson(name + ".out.json", OpenAIResponseCodec.Encode(response, "client-model"));
    }

    [Fact]
    public void Encode_AnthropicOnlyStopReason_KeepsRawReason()
    {
        var response = new ChatResponse { Id = "msg_1", Model = "m", Content = [new TextPart("x")], FinishReason = FinishReason.Stop, RawFinishReason = "pause_turn" };

        Assert.Contains("\"stop_reason\":\"pause_turn\"", Encoding.UTF8.GetString(AnthropicResponseCodec.Encode(response, "m")), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_UsageWithCaches_ExcludesCachesFromInputTokens()
    {
        var response = new ChatResponse
        {
            Id = "msg_1",
            Model = "m",
            Content = [],
            Usage = TokenUsage.FromPromptTotals(1060, 1000, 0, 18, 7),
        };

        var body = Encoding.UTF8.GetString(AnthropicResponseCodec.Encode(response, "m"));

        Assert.Contains("\"usage\":{\"input_tokens\":60,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1000,\"output_tokens\":18}", body, StringComparison.Ordinal);
    }
}
