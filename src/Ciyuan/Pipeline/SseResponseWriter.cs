using System.Buffers;
using System.IO.Pipelines;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Pipeline;

/// <summary>
/// Writes SSE frames to the client's pipe. Writing does not flush: the relay flushes once it has
/// written every frame that arrived together, so each upstream read costs one send, never more.
/// </summary>
internal static class SseResponseWriter
{
    public static void WriteData(PipeWriter writer, ReadOnlySpan<byte> payload)
    {
        var size = SseBytes.DataPrefix.Length + payload.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        SseBytes.DataPrefix.CopyTo(span);
        payload.CopyTo(span[SseBytes.DataPrefix.Length..]);
        SseBytes.FrameEnd.CopyTo(span[(SseBytes.DataPrefix.Length + payload.Length)..]);
        writer.Advance(size);
    }

    public static void WriteComment(PipeWriter writer, ReadOnlySpan<byte> comment)
    {
        var size = 1 + comment.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        span[0] = (byte)':';
        comment.CopyTo(span[1..]);
        SseBytes.FrameEnd.CopyTo(span[(1 + comment.Length)..]);
        writer.Advance(size);
    }

    public static void WriteDone(PipeWriter writer) => writer.Write(SseBytes.DoneFrame);
}
