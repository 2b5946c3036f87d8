using System.Buffers;

namespace Ciyuan.Gateway.Client;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over pooled arrays, for per-request bodies that must not become
/// garbage. Arrays above <see cref="LargestPooled"/> bytes are never given to the shared pool: it
/// would keep a rare giant body's memory for good, where the collector returns it.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    /// <summary>The largest array handed back to the shared pool.</summary>
    public const int LargestPooled = 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, WrittenCount);

    public void Clear() => WrittenCount = 0;

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    private void Ensure(int sizeHint)
    {
        var needed = WrittenCount + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(needed, _buffer.Length * 2);
        var bigger = size > LargestPooled ? GC.AllocateUninitializedArray<byte>(size) : ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, WrittenCount).CopyTo(bigger);
        Release(_buffer);
        _buffer = bigger;
    }

    private static void Release(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= LargestPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        Release(Interlocked.Exchange(ref _buffer, []));
    }
}
