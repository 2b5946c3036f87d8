using System.Buffers;
using Ciyuan.Core.Metering;
using Ciyuan.Core.Providers;
using Ciyuan.Gateway.Errors;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// How one upstream's answer becomes the client's — the only part of relaying that differs between
/// a door and an upstream dialect: passed through (<see cref="OpenAIPassthroughCodec"/>,
/// <see cref="AnthropicPassthroughCodec"/>) or translated (<see cref="TranslatingCodec"/>). The loop
/// around it, the output guard, metering and settlement are <see cref="AnswerRelay"/>'s, written once.
/// One instance serves one attempt.
/// </summary>
internal abstract class AnswerCodec
{
    /// <summary>True when the answer is re-encoded in the client's dialect (not the upstream's own bytes).</summary>
    public virtual bool Translates => false;

    /// <summary>Reads a whole upstream answer: an error hidden in an HTTP 200, its usage, its size in generated text.</summary>
    public abstract BodyReading ReadBody(ReadOnlyMemory<byte> body, string provider);

    /// <summary>The client's answer once the ledger line is durable (a translation reports the counted usage).</summary>
    public abstract ReadOnlyMemory<byte> EncodeBody(TokenUsage counted);

    /// <summary>The first frame of a stream is an error: the attempt failed before anything reached the client.</summary>
    public abstract bool IsError(SseReader frame);

    /// <summary>Reads one frame: what it carries, and whether the stream ends with it.</summary>
    public abstract FrameReading Read(SseReader frame);

    /// <summary>Writes the frame just read for the client (a passthrough may leave a frame out).</summary>
    public abstract void Forward(IBufferWriter<byte> client);

    /// <summary>The stream's final events, written only after the ledger line is durable.</summary>
    public abstract void WriteCompletion(IBufferWriter<byte> client, TokenUsage counted);

    /// <summary>The client dialect's error event, ending a stream that cannot complete.</summary>
    public abstract void WriteFailure(IBufferWriter<byte> client, GatewayError error);

    /// <summary>
    /// The whole answer as the client receives it, for a door that keeps answers (a Responses object);
    /// null when there is none to keep. Asked once the ledger line is durable, before the answer's end is written.
    /// </summary>
    public virtual ReadOnlyMemory<byte>? AnswerToKeep(TokenUsage counted) => null;

    /// <summary>The answer reached its end (kept reasoning may now be remembered).</summary>
    public virtual void Finished()
    {
    }
}

/// <summary>What a whole upstream answer held.</summary>
internal readonly record struct BodyReading(ProviderFailure? Failure, TokenUsage? Usage, long GeneratedBytes);

/// <summary>How a stream frame ends the stream, if it does.</summary>
internal enum FrameEnd
{
    /// <summary>More may follow.</summary>
    None,

    /// <summary>The upstream's end marker (<c>[DONE]</c>, <c>message_stop</c>): held back until the answer is settled.</summary>
    Completed,

    /// <summary>An error event from the upstream, forwarded as it is: nothing follows.</summary>
    UpstreamError,
}

/// <summary>What one stream frame carried: UTF-8 bytes of generated text, usage (cumulative), and whether it ends the stream.</summary>
internal readonly record struct FrameReading(int TextBytes, TokenUsage? Usage, FrameEnd End);
