using System.Buffers;

namespace Ciyuan.Core.Buffers;

/// <summary>
/// An empty byte buffer reused per thread (<see cref="ThreadScratch"/>). A buffer grown past
/// <see cref="LargestKept"/> by a rare large write is not kept: the collector takes it back.
/// </summary>
public static class ScratchBuffer
{
    /// <summary>The largest buffer a thread keeps between uses.</summary>
    public const int LargestKept = 64 * 1024;

    public static ArrayBufferWriter<byte> Take()
    {
        var buffer = ThreadScratch.TryTake<ArrayBufferWriter<byte>>() ?? new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }

    public static void GiveBack(ArrayBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Capacity <= LargestKept)
        {
            ThreadScratch.GiveBack(buffer);
        }
    }
}
