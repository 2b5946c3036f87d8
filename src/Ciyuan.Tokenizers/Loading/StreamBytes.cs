using System.Buffers;

namespace Ciyuan.Tokenizers.Loading;

/// <summary>Reads a tokenizer file to its end into one pooled buffer (the built-in files decompress to 3–11 MB).</summary>
internal static class StreamBytes
{
    /// <summary>The buffer (from <see cref="ArrayPool{T}.Shared"/>; the caller returns it) and how much of it holds the stream.</summary>
    public static (byte[] Buffer, int Length) ReadAll(Stream stream)
    {
        // A stream of unknown length (a decompressor) gets room for the largest built-in file at once:
        // growing by doubling would copy and fault in twice as much memory.
        var buffer = ArrayPool<byte>.Shared.Rent(stream.CanSeek ? (int)Math.Min(int.MaxValue - 1, stream.Length + 1) : 16 << 20);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return (buffer, length);
            }

            length += read;
        }
    }
}
