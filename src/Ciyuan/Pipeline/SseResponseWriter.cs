using System.Buffers;
using System.IO.Pipelines;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Pipeline;

/// <summary>Writes SSE frames to the client; each write is flushed so chunks leave as they arrive.</summary>
internal static class SseResponseWriter
{
    public static ValueTask<FlushResult> WriteDataAsync(PipeWriter writer, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var size = SseBytes.DataPrefix.Length + payload.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        SseBytes.DataPrefix.CopyTo(span);
        payload.CopyTo(span[SseBytes.DataPrefix.Length..]);
        SseBytes.FrameEnd.CopyTo(span[(SseBytes.DataPrefix.Length + payload.Length)..]);
        writer.Advance(size);
        return writer.FlushAsync(cancellationToken);
    }

    public static ValueTask<FlushResult> WriteCommentAsync(PipeWriter writer, ReadOnlySpan<byte> comment, CancellationToken cancellationToken)
    {
        var size = 1 + comment.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        span[0] = (byte)':';
        comment.CopyTo(span[1..]);
        SseBytes.FrameEnd.CopyTo(span[(1 + comment.Length)..]);
        writer.Advance(size);
        return writer.FlushAsync(cancellationToken);
    }

    public static ValueTask<FlushResult> WriteDoneAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        writer.Write(SseBytes.DoneFrame);
        return writer.FlushAsync(cancellationToken);
    }
}
