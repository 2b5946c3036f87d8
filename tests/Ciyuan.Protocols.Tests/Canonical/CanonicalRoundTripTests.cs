using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>Property: a request each dialect can express survives that dialect's Encode → Decode unchanged.</summary>
public sealed class CanonicalRoundTripTests
{
    private static readonly OpenAIEncodeOptions OpenAIOptions = new()
    {
        UpstreamModel = "m",
        IncludeReasoningDetails = true,
        IncludeUsage = false,
        ThinkingStyle = ThinkingStyle.ReasoningEffort,
        SupportsTopK = true,
    };

    public static TheoryData<int> Seeds => new(Enumerable.Range(0, 60));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AnthropicEncodeDecode_RandomExpressibleRequest_IsUnchanged(int seed)
    {
        var request = new RandomRequests(seed).ForAnthropic();

        var decoded = AnthropicRequestCodec.Decode(AnthropicRequestCodec.Encode(request, request.Model));

        // The decoder also notes fields (cache markers) whose fate matters only for the other dialect.
        Assert.Equal(CanonicalDump.Of(request), CanonicalDump.Of(decoded with { SourceFields = [] }));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OpenAIEncodeDecode_RandomExpressibleRequest_IsUnchanged(int seed)
    {
        var request = new RandomRequests(seed).ForOpenAI();

        var decoded = OpenAIRequestCodec.Decode(OpenAIRequestCodec.Encode(request, OpenAIOptions));

        Assert.Equal(CanonicalDump.Of(request), CanonicalDump.Of(decoded));
    }
}
