using System.Buffers;
using System.Text;
using System.Text.Json;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Responses;
using Ciyuan.Protocols.Tests.Anthropic;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Responses;

public sealed class ResponsesStreamEncoderTests
{
    private const long CreatedAt = 1_763_800_000;

    private static readonly TokenUsage Counted = new(200, 1000, 0, 90, 20);

    private static ChatRequest CodexRequest => ResponsesRequestCodec.Decode(Golden.ReadBytes("Responses/RequestToOpenAI/codex-session.in.json"));

    [Fact]
    public void Write_ReasoningTextParallelCallsAndCustomTool_WritesOpenAIsEventSequence()
    {
        StreamEvent[] events =
        [
            new ResponseStarted("up_1", "deepseek-reasoner"),
            new ReasoningDelta("Tests fail; "),
            KeepAlive.Instance,
            new ReasoningDelta("patch util.py."),
            new TextDelta("Running "),
            new TextDelta("tests."),
            new ToolCallStarted(0, "call_shell", "exec_command"),
            new ToolCallArgumentsDelta(0, "{\"cmd\":"),
            new ToolCallArgumentsDelta(0, "\"pytest -q\"}"),
            new ToolCallStarted(1, "call_agent", "multi_agent_v1__spawn_agent"),
            new ToolCallArgumentsDelta(1, "{\"task\":\"read util.py\"}"),
            new ToolCallStarted(2, "call_patch", "apply_patch"),
            new ToolCallArgumentsDelta(2, "{\"input\":\"*** Begin Patch\\n"),
            new ToolCallArgumentsDelta(2, "*** End Patch\"}"),
            new ResponseFinished(FinishReason.ToolCalls, "tool_calls"),
        ];

        var sse = Encode(events, usage: Counted);

        Golden.AssertText("Responses/Encoder/reasoning-text-calls.sse", sse);
        AssertSequenced(sse);
    }

    [Fact]
    public void Write_UpstreamErrorMidStream_EndsWithErrorThenResponseFailed()
    {
        StreamEvent[] events = [new ResponseStarted("up", "m"), new TextDelta("Half an ans"), new StreamError("data_inspection_failed", "Output data may contain inappropriate content.")];

        var sse = Encode(events, usage: null);

        Golden.AssertText("Responses/Encoder/error-mid-stream.sse", sse);
        AssertSequenced(sse);
        Assert.EndsWith("\"usage\":null,\"user\":null,\"metadata\":{}}}\n\n", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_StreamWithoutFinish_FailsRatherThanCompletes()
    {
        var sse = Encode([new ResponseStarted("up", "m"), new TextDelta("cut")], usage: Counted);

        var types = Types(sse);
        Assert.Equal([ResponsesEvents.Error, ResponsesEvents.Failed], types[^2..]);
        Assert.DoesNotContain(ResponsesEvents.Completed, types);
    }

    [Fact]
    public void Complete_LengthStop_EndsIncompleteWithTheReason()
    {
        var sse = Encode([new TextDelta("long"), new ResponseFinished(FinishReason.Length, "length")], usage: Counted);

        Assert.Equal(ResponsesEvents.Incomplete, Types(sse)[^1]);
        Assert.Contains("\"incomplete_details\":{\"reason\":\"max_output_tokens\"}", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_OpenAIDialectUpstream_ClientStreamMatchesGoldenAndNextTurnKeepsEveryCall()
    {
        var upstream = OpenAIStreamDecoderTests.DecodeAll(Golden.ReadText("Responses/Session/upstream.openai.sse"));
        var usage = upstream.OfType<UsageReported>().Last().Usage;

        var sse = Encode(upstream.Where(static e => e is not UsageReported), usage);

        Golden.AssertText("Responses/Session/client.from-openai.sse", sse);
        AssertSequenced(sse);
        var completed = Completed(sse);
        Assert.Equal(1200, completed.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        Assert.Equal(1000, completed.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt64());
        Assert.Equal(20, completed.GetProperty("usage").GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt64());

        // The client returns the output as the next turn's input: every call, under its own name and kind, arrives upstream again.
        var next = NextTurn(completed, "call_shell", "call_agent", "call_patch");
        var assistant = Assert.Single(next.Messages, m => m.Role == ChatRole.Assistant);
        Assert.Equal(["exec_command", "multi_agent_v1__spawn_agent", "apply_patch"], assistant.Content.OfType<ToolCallPart>().Select(c => c.Name));
        Assert.Equal("{\"input\":\"*** Begin Patch\\n*** Update File: util.py\\n-    return a - b\\n+    return a + b\\n*** End Patch\"}",
            assistant.Content.OfType<ToolCallPart>().Last().ArgumentsJson);
        Assert.Equal("Tests fail; run them and patch util.py.", assistant.Content.OfType<ReasoningPart>().Single().Text);
    }

    [Fact]
    public void Session_AnthropicUpstream_SignatureComesBackSealedAndIsReplayedToAnthropic()
    {
        var upstream = AnthropicStreamDecoderTests.DecodeAll(Golden.ReadText("Responses/Session/upstream.anthropic.sse"));
        var request = ResponsesRequestCodec.Decode("""{"model":"claude-x","input":"6*7?","tools":[{"type":"function","name":"calc","parameters":{"type":"object"}}]}"""u8);

        var sse = Encode(upstream.Where(static e => e is not UsageReported), new TokenUsage(40, 900, 0, 33, 0), request);

        Golden.AssertText("Responses/Session/client.from-anthropic.sse", sse);
        var next = NextTurn(Completed(sse), "toolu_01");
        var thinking = Assert.Single(next.Messages.SelectMany(m => m.Content).OfType<ReasoningPart>());
        Assert.Equal(("Use the calculator.", "EqQBsig"), (thinking.Text, thinking.Signature));
        var anthropicBody = Encoding.UTF8.GetString(Ciyuan.Protocols.Anthropic.AnthropicRequestCodec.Encode(next, "claude-upstream"));
        Assert.Contains("{\"type\":\"thinking\",\"thinking\":\"Use the calculator.\",\"signature\":\"EqQBsig\"}", anthropicBody, StringComparison.Ordinal);
    }

    [Fact]
    public void WholeAnswer_AfterFinish_IsTheObjectResponseCompletedCarries()
    {
        var encoder = new ResponsesStreamEncoder("resp_1", "m", CreatedAt, CodexRequest);
        var output = new ArrayBufferWriter<byte>();
        encoder.Write(new TextDelta("done"), output);
        encoder.Write(new ResponseFinished(FinishReason.Stop, "stop"), output);

        var whole = encoder.WholeAnswer(Counted)!;
        encoder.Write(new UsageReported(Counted), output);
        encoder.Complete(output);

        Assert.Equal(JsonSerializer.Serialize(Completed(Encoding.UTF8.GetString(output.WrittenSpan))), JsonSerializer.Serialize(JsonDocument.Parse(whole).RootElement));
    }

    private static string Encode(IEnumerable<StreamEvent> events, TokenUsage? usage, ChatRequest? request = null)
    {
        var encoder = new ResponsesStreamEncoder("resp_gw1", "deepseek-coder", CreatedAt, request ?? CodexRequest);
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            encoder.Write(e, output);
        }

        if (usage is { } counted)
        {
            encoder.Write(new UsageReported(counted), output);
        }

        encoder.Complete(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The request a client sends next: the answer's output items, then an output for each call.</summary>
    private static ChatRequest NextTurn(JsonElement completed, params string[] callIds)
    {
        var input = new List<string> { """{"role":"user","content":"go"}""" };
        input.AddRange(completed.GetProperty("output").EnumerateArray().Select(static i => i.GetRawText()));
        input.AddRange(callIds.Select(id => $$"""{"type":"function_call_output","call_id":"{{id}}","output":"ok"}"""));
        var tools = """[{"type":"function","name":"exec_command","parameters":{"type":"object"}},{"type":"custom","name":"apply_patch"},{"type":"function","name":"calc","parameters":{"type":"object"}}]""";
        return ResponsesRequestCodec.Decode(Encoding.UTF8.GetBytes($$"""{"model":"m","input":[{{string.Join(",", input)}}],"tools":{{tools}}}"""));
    }

    private static JsonElement Completed(string sse) =>
        JsonDocument.Parse(SseRecords.Parse(sse).Last(r => r.EventName is ResponsesEvents.Completed or ResponsesEvents.Incomplete).Data).RootElement.GetProperty("response").Clone();

    private static List<string> Types(string sse) => [.. SseRecords.Parse(sse).Where(static r => !r.IsComment).Select(static r => r.EventName!)];

    /// <summary>Every event names its type twice (event line and data) and numbers run 0, 1, 2… without a gap.</summary>
    private static void AssertSequenced(string sse)
    {
        var expected = 0;
        foreach (var (name, data, comment) in SseRecords.Parse(sse))
        {
            if (comment)
            {
                continue;
            }

            using var document = JsonDocument.Parse(data);
            Assert.Equal(name, document.RootElement.GetProperty("type").GetString());
            Assert.Equal(expected++, document.RootElement.GetProperty("sequence_number").GetInt32());
        }
    }
}
