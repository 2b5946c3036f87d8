using System.Buffers;
using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Core.Metering;
using Ciyuan.Protocols.Canonical;

namespace Ciyuan.Protocols.Tests.Canonical;

public sealed class OpenAIStreamEncoderTests
{
    [Fact]
    public void Write_ToolCallsAfterText_IndexesCountToolCallsOnly()
    {
        StreamEvent[] events =
        [
            new ResponseStarted("msg_1", "m"),
            new TextDelta("t"),
            new ToolCallStarted(3, "toolu_1", "f"),
            new ToolCallArgumentsDelta(3, "{}"),
            new ToolCallStarted(7, "toolu_2", "g"),
            new ResponseFinished(FinishReason.ToolCalls),
        ];

        var sse = Encode(new OpenAIStreamEncoder("c1", "m", includeUsage: false, created: 1), events);

        Assert.Equal(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"toolu_2\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
            + "data: [DONE]\n\n",
            sse);
    }

    [Fact]
    public void Complete_IncludeUsage_WritesUsageChunkBeforeDone()
    {
        StreamEvent[] events = [new TextDelta("x"), new ResponseFinished(FinishReason.Stop), new UsageReported(new TokenUsage(60, 1000, 0, 18, 7))];

        var sse = Encode(new OpenAIStreamEncoder("c1", "m", includeUsage: true, created: 1), events);

        Assert.EndsWith(
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1060,\"completion_tokens\":18,\"total_tokens\":1078,\"prompt_tokens_details\":{\"cached_tokens\":1000},\"completion_tokens_details\":{\"reasoning_tokens\":7}}}\n\n"
            + "data: [DONE]\n\n",
            sse,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Error_WritesErrorChunkWithoutDone()
    {
        var sse = Encode(new OpenAIStreamEncoder("c1", "m", includeUsage: true, created: 1), [new TextDelta("x"), new StreamError("overloaded_error", "Overloaded")]);

        Assert.EndsWith("data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\",\"code\":\"overloaded_error\"}}\n\n", sse, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", sse, StringComparison.Ordinal);
    }

    private static string Encode(OpenAIStreamEncoder encoder, IEnumerable<StreamEvent> events)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var e in events)
        {
            encoder.Write(e, output);
        }

        encoder.Complete(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
