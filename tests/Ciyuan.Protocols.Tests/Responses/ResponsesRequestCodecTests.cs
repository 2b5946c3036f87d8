using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Responses;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Responses;

public sealed class ResponsesRequestCodecTests
{
    /// <summary>A DeepSeek-like upstream: thinking object, high/max effort words, reasoning replayed on history.</summary>
    private static readonly OpenAIEncodeOptions DeepSeek = new()
    {
        UpstreamModel = "deepseek-reasoner",
        ThinkingStyle = ThinkingStyle.ThinkingObject,
        EffortWords = ["high", "max"],
    };

    public static TheoryData<string> ToOpenAICases => Golden.Cases("Responses/RequestToOpenAI", ".in.json");

    public static TheoryData<string> ToAnthropicCases => Golden.Cases("Responses/RequestToAnthropic", ".in.json");

    public static TheoryData<string> ErrorCases => Golden.Cases("Responses/RequestErrors", ".in.json");

    [Theory]
    [MemberData(nameof(ToOpenAICases))]
    public void Decode_GoldenRequest_MatchesCanonicalAndChatCompletionsEncoding(string name)
    {
        var request = ResponsesRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));
        var dropped = new List<string>();

        var encoded = OpenAIRequestCodec.Encode(request, DeepSeek, dropped);

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(request));
        Golden.AssertJson(name + ".out.json", encoded);
        Golden.AssertText(name + ".dropped.txt", string.Join("\n", dropped) + "\n");
    }

    [Theory]
    [MemberData(nameof(ToAnthropicCases))]
    public void Decode_GoldenRequest_MatchesAnthropicEncoding(string name)
    {
        var request = ResponsesRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(request));
        Golden.AssertJson(name + ".out.json", AnthropicRequestCodec.Encode(request, "claude-upstream", new List<string>()));
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void DecodeThenEncode_InvalidOrInexpressible_ThrowsNamingField(string name)
    {
        var error = Assert.Throws<TranslationException>(() =>
        {
            var body = Golden.ReadBytes(name + ".in.json");
            ResponsesConversation.Read(body);
            OpenAIRequestCodec.Encode(ResponsesRequestCodec.Decode(body), DeepSeek, new List<string>());
        });

        Golden.AssertText(name + ".error.txt", error.Message + "\n");
    }

    [Fact]
    public void Decode_CustomAndNamespacedTools_KeepWhatTheAnswerNeedsToNameThem()
    {
        var request = ResponsesRequestCodec.Decode(Golden.ReadBytes("Responses/RequestToOpenAI/codex-session.in.json"));

        var patch = Assert.Single(request.Tools, t => t.Name == "apply_patch");
        var spawn = Assert.Single(request.Tools, t => t.Name == "multi_agent_v1__spawn_agent");
        Assert.True(patch.Freeform);
        Assert.Equal("multi_agent_v1", spawn.Namespace);
        Assert.Equal("spawn_agent", spawn.NameInNamespace);
    }

    [Fact]
    public void Decode_ReasoningEffortNone_TurnsThinkingOffWhereTheVendorCan()
    {
        var body = """{"model":"m","input":"hi","reasoning":{"effort":"none"}}"""u8;

        var encoded = Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(ResponsesRequestCodec.Decode(body), DeepSeek with { EffortWords = null }));

        Assert.Contains("\"thinking\":{\"type\":\"disabled\"}", encoded, StringComparison.Ordinal);
    }
}
