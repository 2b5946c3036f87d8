using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Responses;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Responses;

public sealed class ResponsesResponseCodecTests
{
    [Fact]
    public void Encode_ReasoningTextParallelCallsAndCustomTool_WritesTheResponseObject()
    {
        var request = ResponsesRequestCodec.Decode(Golden.ReadBytes("Responses/RequestToOpenAI/codex-session.in.json"));
        var answer = new ChatResponse
        {
            Id = "up_1",
            Model = "deepseek-reasoner",
            Content =
            [
                new ReasoningPart("Tests fail; patch util.py."),
                new TextPart("Running tests."),
                new ToolCallPart("call_shell", "exec_command", "{\"cmd\":\"pytest -q\"}"),
                new ToolCallPart("call_agent", "multi_agent_v1__spawn_agent", "{\"task\":\"read util.py\"}"),
                new ToolCallPart("call_patch", "apply_patch", "{\"input\":\"*** Begin Patch\\n*** End Patch\"}"),
            ],
            FinishReason = FinishReason.ToolCalls,
            Usage = new TokenUsage(200, 1000, 0, 90, 20),
        };

        Golden.AssertJson("Responses/Body/reasoning-text-calls.json", ResponsesResponseCodec.Encode(answer, request, "resp_gw1", "deepseek-coder", 1_763_800_000));
    }

    [Fact]
    public void Encode_SignedAndRedactedReasoning_SealsThemForTheNextTurn()
    {
        var request = ResponsesRequestCodec.Decode("""{"model":"claude-x","input":"hi"}"""u8);
        var answer = new ChatResponse
        {
            Id = "msg_1",
            Model = "claude-upstream",
            Content = [new ReasoningPart("Think.", "sig-1"), new ReasoningPart("", null, "redacted-bytes"), new TextPart("Hello.")],
            FinishReason = FinishReason.Stop,
            Usage = new TokenUsage(10, 0, 0, 5, 0),
        };

        var json = System.Text.Json.JsonDocument.Parse(ResponsesResponseCodec.Encode(answer, request, "resp_2", "claude-x", 1));
        var output = json.RootElement.GetProperty("output");

        Assert.Equal(new ReasoningEnvelope.Sealed("Think.", "sig-1", null), ReasoningEnvelope.Open(output[0].GetProperty("encrypted_content").GetString()));
        Assert.Equal(new ReasoningEnvelope.Sealed(null, null, "redacted-bytes"), ReasoningEnvelope.Open(output[1].GetProperty("encrypted_content").GetString()));
        Assert.Equal("completed", json.RootElement.GetProperty("status").GetString());
    }
}
