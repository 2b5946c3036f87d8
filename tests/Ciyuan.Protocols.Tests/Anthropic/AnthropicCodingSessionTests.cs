using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

/// <summary>
/// A recorded coding-agent session from an Anthropic client (Claude Code style: cached system
/// blocks, three tools, parallel calls, an is_error result, signed thinking) served by an
/// OpenAI-dialect upstream. Nothing the agent relies on may be lost on the way.
/// </summary>
public sealed class AnthropicCodingSessionTests
{
    /// <summary>The gateway keeps signatures by replaying them as reasoning_details to the upstream.</summary>
    private static readonly OpenAIEncodeOptions Upstream = new()
    {
        UpstreamModel = "deepseek-reasoner",
        ThinkingStyle = ThinkingStyle.ThinkingObject,
        IncludeReasoningDetails = true,
    };

    [Fact]
    public void Session_AnthropicToOpenAIAndBack_PreservesEveryToolIdArgumentResultAndSignature()
    {
        var client = AnthropicRequestCodec.Decode(Golden.ReadBytes("Anthropic/Session/request.json"));

        var upstreamBody = OpenAIRequestCodec.Encode(client, Upstream);
        Golden.AssertJson("Anthropic/Session/upstream-request.json", upstreamBody);
        var seenByUpstream = OpenAIRequestCodec.Decode(upstreamBody);
        var backToAnthropic = AnthropicRequestCodec.Decode(AnthropicRequestCodec.Encode(seenByUpstream, "claude-sonnet-4-5"));

        var expected = StreamTranscript.Facts(client.Messages);
        Assert.Equal(expected, StreamTranscript.Facts(seenByUpstream.Messages));
        Assert.Equal(expected, StreamTranscript.Facts(backToAnthropic.Messages));
        Assert.Equal(client.Tools.Select(ToolFact), backToAnthropic.Tools.Select(ToolFact));
    }

    [Fact]
    public void Session_UpstreamAnswerStreamedToClient_ClientTranscriptMatchesUpstreamAndNextTurnIsLossless()
    {
        var upstreamEvents = OpenAIStreamDecoderTests.DecodeAll(Golden.ReadText("Anthropic/Session/upstream.openai.sse"));
        var encoder = new AnthropicStreamEncoder("msg_gw_session", "claude-sonnet-4-5");
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in upstreamEvents)
        {
            encoder.Write(e, output);
        }

        encoder.Complete(output);
        var clientSse = Encoding.UTF8.GetString(output.WrittenSpan);
        Golden.AssertText("Anthropic/Session/client.anthropic.sse", clientSse);

        // The client's SDK folds the stream into its transcript: same calls, arguments and reasoning.
        var assistant = StreamTranscript.Accumulate(AnthropicStreamDecoderTests.DecodeAll(clientSse));
        Assert.Equal(
            StreamTranscript.Facts([new ChatMessage(ChatRole.Assistant, StreamTranscript.Accumulate(upstreamEvents))]),
            StreamTranscript.Facts([new ChatMessage(ChatRole.Assistant, assistant)]));

        // Next turn: the agent sends the whole history back with both results, one failed.
        var first = AnthropicRequestCodec.Decode(Golden.ReadBytes("Anthropic/Session/request.json"));
        var next = first with
        {
            Messages =
            [
                .. first.Messages,
                new ChatMessage(ChatRole.Assistant, assistant),
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("call_run_again", [new TextPart("Passed! 12 tests")], false)]) { ToolCallId = "call_run_again" },
                new ChatMessage(ChatRole.Tool, [new ToolResultPart("call_git_status", [new TextPart("fatal: not a git repository")], true)]) { ToolCallId = "call_git_status" },
            ],
        };
        var nextFromClient = AnthropicRequestCodec.Decode(ClientNextTurnBody(assistant));
        var nextSeenByUpstream = OpenAIRequestCodec.Decode(OpenAIRequestCodec.Encode(nextFromClient, Upstream));

        Assert.Equal(StreamTranscript.Facts(next.Messages), StreamTranscript.Facts(nextFromClient.Messages));
        Assert.Equal(StreamTranscript.Facts(next.Messages), StreamTranscript.Facts(nextSeenByUpstream.Messages));
    }

    private static string ToolFact(ToolDefinition tool) => $"{tool.Name} | {tool.Description} | {JsonNode.Parse(tool.Parameters.GetRawText())!.ToJsonString()}";

    /// <summary>
    /// The body an Anthropic SDK sends next: the stored assistant blocks exactly as streamed (thinking
    /// keeps the empty signature the gateway gave it) and one user message with both results.
    /// </summary>
    private static byte[] ClientNextTurnBody(List<ContentPart> assistant)
    {
        var root = JsonNode.Parse(Golden.ReadText("Anthropic/Session/request.json"))!.AsObject();
        var stored = JsonNode.Parse(AnthropicResponseCodec.Encode(new ChatResponse { Id = "msg_gw_session", Model = "m", Content = assistant }, "m"))!;
        var messages = root["messages"]!.AsArray();
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = stored["content"]!.DeepClone() });
        messages.Add(JsonNode.Parse("""
            {"role":"user","content":[
              {"type":"tool_result","tool_use_id":"call_run_again","content":"Passed! 12 tests"},
              {"type":"tool_result","tool_use_id":"call_git_status","content":"fatal: not a git repository","is_error":true}]}
            """));
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
