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

    /// <summary>
    /// Chunks that look like plain text chunks but carry something more (or are shaped oddly): each
    /// must give exactly the events the whole-document reading gives.
    /// </summary>
    public static TheoryData<string, string> NearlyPlainChunks => new()
    {
        { """{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}""", "text:hi" },
        { """{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}""", "" },
        { """{"choices":[{"index":0,"delta":{"con\u0074ent":"esc"},"finish_reason":"stop"}]}""", "text:esc|finish:Stop" },
        { """{"choices":[{"index":0,"delta":{"content":"a","refusal":null,"reasoning_content":null,"tool_calls":null}}]}""", "text:a" },
        { """{"choices":[{"index":0,"delta":{"content":"a","reasoning_content":"why"}}]}""", "reasoning:why|text:a" },
        { """{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""", "text:a|usage:1" },
        { """{"choices":[{"index":0,"delta":{"content":"a"},"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}]}""", "text:a|usage:2" },
        { """{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}""", "text:a" },
        { """{"choices":[{"index":0,"delta":null,"finish_reason":"length"}]}""", "finish:Length" },
        { """{"choices":[{"index":0,"delta":{"content":7}}]}""", "" },
        { """{"choices":[]}""", "" },
        { """{"choices":[],"error":{"message":"boom","type":"server_error"}}""", "error:server_error" },
        { """{"choices":[{"index":0,"delta":{"content":"\ud800"}}]}""", "error:api_error" },
        { """{"choices":[{"index":0,"delta":{"content":"a"}}]} x""", "error:api_error" },
    };

    [Theory]
    [MemberData(nameof(NearlyPlainChunks))]
    public void Decode_NearlyPlainChunk_GivesTheFullReadingsEvents(string chunk, string expected)
    {
        var decoder = new OpenAIStreamDecoder();
        var events = new List<StreamEvent>();
        decoder.Decode("""{"id":"x","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}"""u8, events);
        events.Clear();

        decoder.Decode(Encoding.UTF8.GetBytes(chunk), events);

        Assert.Equal(expected, string.Join('|', events.Select(Describe)));
    }

    private static string Describe(StreamEvent e) => e switch
    {
        TextDelta t => "text:" + t.Text,
        ReasoningDelta r => "reasoning:" + r.Text,
        ResponseFinished f => "finish:" + f.Reason,
        UsageReported u => "usage:" + u.Usage.Output,
        StreamError x => "error:" + x.Type,
        _ => e.GetType().Name,
    };
}
