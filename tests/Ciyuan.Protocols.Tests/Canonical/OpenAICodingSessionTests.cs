using System.Buffers;
using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Tests.Anthropic;

namespace Ciyuan.Protocols.Tests.Canonical;

/// <summary>
/// The same coding-agent session from an OpenAI client (signatures kept in reasoning_details,
/// errors as "Error: " tool output) served by an Anthropic upstream, and back.
/// </summary>
public sealed class OpenAICodingSessionTests
{
    private static readonly OpenAIEncodeOptions Client = new() { UpstreamModel = "gpt-5", IncludeReasoningDetails = true, ThinkingStyle = ThinkingStyle.ReasoningEffort };

    [Fact]
    public void Session_OpenAIToAnthropicAndBack_PreservesEveryToolIdArgumentResultAndSignature()
    {
        var client = OpenAIRequestCodec.Decode(Golden.ReadBytes("Canonical/Session/request.json"));

        var upstreamBody = AnthropicRequestCodec.Encode(client, "claude-sonnet-4-5");
        Golden.AssertJson("Canonical/Session/upstream-request.json", upstreamBody);
        var seenByUpstream = AnthropicRequestCodec.Decode(upstreamBody);

        var expected = StreamTranscript.Facts(client.Messages);
        Assert.Equal(expected, StreamTranscript.Facts(seenByUpstream.Messages));
        Assert.Equal(
            Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(client with { Extensions = seenByUpstream.Extensions, StreamIncludeUsage = false }, Client)),
            Encoding.UTF8.GetString(OpenAIRequestCodec.Encode(seenByUpstream with { Reasoning = client.Reasoning }, Client)));
    }

    [Fact]
    public void Session_UpstreamAnswerStreamedToClient_SignatureReachesClientAndNextTurnReplaysIt()
    {
        var upstreamEvents = AnthropicStreamDecoderTests.DecodeAll(Golden.ReadText("Canonical/Session/upstream.anthropic.sse"));
        var encoder = new OpenAIStreamEncoder("chatcmpl-gw-session", "gpt-5", includeUsage: true, created: 1763800000);
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in upstreamEvents)
        {
            encoder.Write(e, output);
        }

        encoder.Complete(output);
        var clientSse = Encoding.UTF8.GetString(output.WrittenSpan);
        Golden.AssertText("Canonical/Session/client.openai.sse", clientSse);

        var assistant = StreamTranscript.Accumulate(OpenAIStreamDecoderTests.DecodeAll(clientSse));
        var upstreamAssistant = StreamTranscript.Accumulate(upstreamEvents);
        Assert.Equal(StreamTranscript.Facts([new ChatMessage(ChatRole.Assistant, upstreamAssistant)]), StreamTranscript.Facts([new ChatMessage(ChatRole.Assistant, assistant)]));

        var first = OpenAIRequestCodec.Decode(Golden.ReadBytes("Canonical/Session/request.json"));
        var next = first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, assistant),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("toolu_04RunAgain", [new TextPart("Passed! 12 tests")], false)]) { ToolCallId = "toolu_04RunAgain" },
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("toolu_05GitStatus", [new TextPart("fatal: not a git repository")], true)]) { ToolCallId = "toolu_05GitStatus" },
            ],
        };
        var nextFromClient = OpenAIRequestCodec.Decode(OpenAIRequestCodec.Encode(next, Client));
        var anthropicBody = AnthropicRequestCodec.Encode(nextFromClient, "claude-sonnet-4-5");
        var nextSeenByUpstream = AnthropicRequestCodec.Decode(anthropicBody);

        Assert.Equal(StreamTranscript.Facts(next.Messages), StreamTranscript.Facts(nextSeenByUpstream.Messages));
        Assert.Contains("\"signature\":\"EuYBCkQYAiJAsig3/+ghi==\"", Encoding.UTF8.GetString(anthropicBody), StringComparison.Ordinal);
    }
}
