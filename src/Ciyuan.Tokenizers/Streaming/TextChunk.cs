using System.Buffers;

namespace Ciyuan.Tokenizers.Streaming;

/// <summary>Decoded text in an array rented from <see cref="ArrayPool{T}.Shared"/>; whoever holds it last returns it.</summary>
internal readonly record struct TextChunk(char[] Buffer, int Length)
{
    public ReadOnlySpan<char> Text => Buffer.AsSpan(0, Length);

    public void Return() => ArrayPool<char>.Shared.Return(Buffer);
}
