using System.Buffers;
using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

public sealed class AnthropicStreamDecoderTests
{
    public static TheoryData<string> Cases => Golden.Cases("Anthropic/Streams", ".anthropic.sse");

    /// <summary>Anthropic upstream → canonical events → OpenAI client, byte for byte.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_RecordedUpstreamStream_MatchesEventsAndOpenAIBytes(string name)
    {
        var events = DecodeAll(Golden.ReadText(name + ".anthropic.sse"));
        Golden.AssertText(name + ".events.txt", CanonicalDump.Of(events));

        var encoder = new OpenAIStreamEncoder("chatcmpl-gw1", "client-model", includeUsage: true, created: 1763800000);
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            encoder.Write(e, output);
        }

        encoder.Complete(output);
        Golden.AssertText(name + ".openai.sse", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Decode_NotJson_ReportsStreamError()
    {
        var events = new List<StreamEvent>();

        new AnthropicStreamDecoder().Decode("message_start", "{oops"u8, events);

        Assert.IsType<StreamError>(Assert.Single(events));
    }

    internal static List<StreamEvent> DecodeAll(string sse)
    {
        var decoder = new AnthropicStreamDecoder();
        var events = new List<StreamEvent>();
        foreach (var (name, data, isComment) in SseRecords.Parse(sse))
        {
            if (!isComment)
            {
                decoder.Decode(name, data, events);
            }
        }

        return events;
    }
}
