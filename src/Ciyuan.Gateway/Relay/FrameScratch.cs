using System.Buffers;

namespace Ciyuan.Gateway.Relay;

/// <summary>
/// Where a translated frame's events are encoded before they reach the client in one piece. The
/// client's writer (Kestrel's response pipe) takes a lock on every <c>GetSpan</c> and
/// <c>Advance</c>, and an encoder makes a dozen of each per event; one copy of a few hundred bytes
/// costs less. One buffer per thread, taken and given back around a synchronous write, so
/// streams share it without allocating; a buffer grown past <see cref="LargestKept"/> is let go.
/// </summary>
internal static class FrameScratch
{
    /// <summary>The largest buffer a thread keeps between frames.</summary>
    public const int LargestKept = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>An empty buffer for this thread (a new one if a caller up the stack holds it).</summary>
    public static ArrayBufferWriter<byte> Take()
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        t_buffer = null;
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>Writes what the buffer holds to the client and gives the buffer back.</summary>
    public static void WriteTo(ArrayBufferWriter<byte> buffer, IBufferWriter<byte> client)
    {
        if (buffer.WrittenCount > 0)
        {
            client.Write(buffer.WrittenSpan);
        }

        if (buffer.Capacity <= LargestKept)
        {
            t_buffer = buffer;
        }
    }
}
