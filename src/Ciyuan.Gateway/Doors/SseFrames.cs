using System.Buffers;
using Ciyuan.Protocols.Sse;

namespace Ciyuan.Gateway.Doors;

/// <summary>
/// Writes SSE frames to a client's buffer. Writing does not flush: the relay flushes once it has
/// written every frame that arrived together, so each upstream read costs one send, never more.
/// </summary>
internal static class SseFrames
{
    public static void WriteData(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload)
    {
        var size = SseBytes.DataPrefix.Length + payload.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        SseBytes.DataPrefix.CopyTo(span);
        payload.CopyTo(span[SseBytes.DataPrefix.Length..]);
        SseBytes.FrameEnd.CopyTo(span[(SseBytes.DataPrefix.Length + payload.Length)..]);
        writer.Advance(size);
    }

    /// <summary>A named event (<c>event: NAME</c>, then its data).</summary>
    public static void WriteEvent(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> payload)
    {
        writer.Write(SseBytes.EventPrefix);
        writer.Write(name);
        writer.Write("\n"u8);
        WriteData(writer, payload);
    }

    public static void WriteComment(IBufferWriter<byte> writer, ReadOnlySpan<byte> comment)
    {
        var size = 1 + comment.Length + SseBytes.FrameEnd.Length;
        var span = writer.GetSpan(size);
        span[0] = (byte)':';
        comment.CopyTo(span[1..]);
        SseBytes.FrameEnd.CopyTo(span[(1 + comment.Length)..]);
        writer.Advance(size);
    }

    public static void WriteDone(IBufferWriter<byte> writer) => writer.Write(SseBytes.DoneFrame);
}
