namespace Ciyuan.Protocols.Sse;

/// <summary>The byte sequences of SSE framing, written once.</summary>
public static class SseBytes
{
    public static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    public static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    public static ReadOnlySpan<byte> FrameEnd => "\n\n"u8;

    public static ReadOnlySpan<byte> Done => "[DONE]"u8;

    public static ReadOnlySpan<byte> DoneFrame => "data: [DONE]\n\n"u8;
}
