using System.Buffers;
using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

public sealed class AnthropicStreamEncoderTests
{
    private static readonly TokenUsage FinalUsage = new(60, 1000, 0, 42, 12);

    [Fact]
    public void Write_InterleavedThinkingTextAndParallelTools_NumbersBlocksInOrder()
    {
        StreamEvent[] events =
        [
            new ResponseStarted("msg_up", "upstream-model", new TokenUsage(60, 1000, 0, 0, 0)),
            new ReasoningDelta("Plan: "),
            new ReasoningDelta("two calls."),
            new ReasoningSignature("sig-1"),
            new ReasoningDelta("Second thought block."),
            new TextDelta("Calling "),
            new TextDelta("tools."),
            new ToolCallStarted(0, "call_a", "read_file"),
            new ToolCallArgumentsDelta(0, "{\"path\":"),
            new ToolCallStarted(1, "call_b", "bash"),
            new ToolCallArgumentsDelta(1, "{\"command\":\"ls\"}"),
            new ToolCallArgumentsDelta(0, "\"a.txt\"}"),
            KeepAlive.Instance,
            new ResponseFinished(FinishReason.ToolCalls, "tool_calls"),
            new UsageReported(FinalUsage),
        ];

        Golden.AssertText("Anthropic/Encoder/interleaved.sse", Encode(new AnthropicStreamEncoder(), events, complete: true));
    }

    [Fact]
    public void Write_FinishBeforeUsage_HoldsMessageDeltaUntilUsage()
    {
        var encoder = new AnthropicStreamEncoder("msg_gw", "client-model");
        var output = new ArrayBufferWriter<byte>();
        encoder.Write(new TextDelta("Hi"), output);
        encoder.Write(new ResponseFinished(FinishReason.Stop, "stop"), output);

        var beforeUsage = Encoding.UTF8.GetString(output.WrittenSpan);
        encoder.Write(new UsageReported(FinalUsage), output);
        var afterUsage = Encoding.UTF8.GetString(output.WrittenSpan)[beforeUsage.Length..];
        encoder.Complete(output);

        Assert.DoesNotContain("message_delta", beforeUsage, StringComparison.Ordinal);
        Assert.EndsWith("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n", beforeUsage, StringComparison.Ordinal);
        Assert.Equal(
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":60,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1000,\"output_tokens\":42}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            afterUsage);
        Assert.Equal(beforeUsage + afterUsage, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Complete_FinishWithoutUsage_WritesMessageDeltaWithKnownUsage()
    {
        StreamEvent[] events = [new ResponseStarted("msg_1", "m", new TokenUsage(5, 0, 0, 0, 0)), new TextDelta("x"), new ResponseFinished(FinishReason.Length, "length")];

        var sse = Encode(new AnthropicStreamEncoder(), events, complete: true);

        Assert.EndsWith(
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":5,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            sse,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ErrorMidStream_WritesErrorEventAndNothingAfter()
    {
        StreamEvent[] events =
        [
            new ResponseStarted("msg_1", "m"),
            new TextDelta("Partial"),
            new StreamError("data_inspection_failed", "Output data may contain inappropriate content."),
            new TextDelta("ignored"),
            new ResponseFinished(FinishReason.Stop),
        ];

        Golden.AssertText("Anthropic/Encoder/error-mid-stream.sse", Encode(new AnthropicStreamEncoder(), events, complete: true));
    }

    [Fact]
    public void Complete_WithoutFinish_WritesErrorInsteadOfMessageStop()
    {
        var sse = Encode(new AnthropicStreamEncoder(), [new ResponseStarted("msg_1", "m"), new TextDelta("Hel")], complete: true);

        Assert.DoesNotContain("message_stop", sse, StringComparison.Ordinal);
        Assert.EndsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"the upstream stream ended before the response was complete\"}}\n\n", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnsignedThinking_ClosesWithEmptySignatureUnlessDisabled()
    {
        StreamEvent[] events = [new ResponseStarted("msg_1", "m"), new ReasoningDelta("hmm"), new TextDelta("ok")];

        var withSignature = Encode(new AnthropicStreamEncoder(), events, complete: false);
        var without = Encode(new AnthropicStreamEncoder { EmitEmptySignature = false }, events, complete: false);

        Assert.Contains("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"\"}}", withSignature, StringComparison.Ordinal);
        Assert.DoesNotContain("signature_delta", without, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ContentBeforeStart_WritesMessageStartFirst()
    {
        var sse = Encode(new AnthropicStreamEncoder("msg_gw", "client-model"), [new TextDelta("x")], complete: false);

        Assert.StartsWith("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_gw\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"client-model\",", sse, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UpstreamGaveUp_WritesErrorNotStop()
    {
        var sse = Encode(new AnthropicStreamEncoder(), [new ResponseStarted("msg_1", "m"), new ResponseFinished(FinishReason.Error, "insufficient_system_resource")], complete: true);

        Assert.EndsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"the upstream stopped generating (insufficient_system_resource)\"}}\n\n", sse, StringComparison.Ordinal);
    }

    internal static string Encode(AnthropicStreamEncoder encoder, IEnumerable<StreamEvent> events, bool complete)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            encoder.Write(e, output);
        }

        if (complete)
        {
            encoder.Complete(output);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
