using System.Buffers;
using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

public sealed class OpenAIStreamDecoderTests
{
    public static TheoryData<string> Cases => Golden.Cases("Canonical/Streams", ".openai.sse");

    /// <summary>OpenAI upstream → canonical events → Anthropic client, byte for byte.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_RecordedUpstreamStream_MatchesEventsAndAnthropicBytes(string name)
    {
        var events = DecodeAll(Golden.ReadText(name + ".openai.sse"));
        Golden.AssertText(name + ".events.txt", CanonicalDump.Of(events));

        var encoder = new AnthropicStreamEncoder("msg_gw1", "client-model");
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            encoder.Write(e, output);
        }

        encoder.Complete(output);
        Golden.AssertText(name + ".anthropic.sse", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Decode_SameIndexWithNewId_StartsNewCall()
    {
        var decoder = new OpenAIStreamDecoder();
        var events = new List<StreamEvent>();

        decoder.Decode("""{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{}"}}]}}]}"""u8, events);
        decoder.Decode("""{"id":"x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}"""u8, events);

        Assert.Equal(
            [new ToolCallStarted(0, "a", "f"), new ToolCallArgumentsDelta(0, "{}"), new ToolCallStarted(1, "b", "g"), new ToolCallArgumentsDelta(1, "{}")],
            events.Skip(1).ToArray());
    }

    [Fact]
    public void Decode_ReasoningAliasesAndDetails_ReadsEveryVariant()
    {
        var decoder = new OpenAIStreamDecoder();
        var events = new List<StreamEvent>();

        decoder.Decode("""{"choices":[{"delta":{"reasoning":"a"}}]}"""u8, events);
        decoder.Decode("""{"choices":[{"delta":{"reasoning_details":[{"type":"reasoning.text","text":"b"}]}}]}"""u8, events);
        decoder.Decode("""{"choices":[{"delta":{"reasoning":"c","reasoning_details":[{"type":"reasoning.text","text":"c","signature":"s"}]}}]}"""u8, events);
        decoder.Decode("[DONE]"u8, events);

        Assert.Equal(
            [new ReasoningDelta("a"), new ReasoningDelta("b"), new ReasoningDelta("c"), new ReasoningSignature("s")],
            events.Skip(1).ToArray());
    }

    internal static List<StreamEvent> DecodeAll(string sse)
    {
        var decoder = new OpenAIStreamDecoder();
        var events = new List<StreamEvent>();
        foreach (var (_, data, isComment) in SseRecords.Parse(sse))
        {
            if (isComment)
            {
                events.Add(KeepAlive.Instance);
            }
            else
            {
                decoder.Decode(data, events);
            }
        }

        return events;
    }
}
