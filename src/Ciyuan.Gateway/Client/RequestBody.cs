using System.Buffers;

namespace Ciyuan.Gateway.Client;

/// <summary>
/// A request body read whole into a pooled buffer (requests are scanned and patched, so they must
/// be in memory). Return the buffer with <see cref="Dispose"/>; buffers over
/// <see cref="PooledBufferWriter.LargestPooled"/> go to the collector, not the shared pool, which
/// would keep a rare giant body's memory for good.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private readonly bool _pooled;
    private byte[] _buffer;

    private RequestBody(byte[] buffer, int length, bool pooled = true)
    {
        _buffer = buffer;
        Length = length;
        _pooled = pooled;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>Reads <paramref name="stream"/> to its end; null when it holds more than <paramref name="limit"/> bytes.</summary>
    public static async ValueTask<RequestBody?> ReadAsync(Stream stream, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        if (contentLength > limit)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(contentLength is { } known ? (int)Math.Max(known, 1) : 4096);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= limit)
                {
                    Release(buffer);
                    return null;
                }

                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                Release(buffer);
                buffer = bigger;
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Release(buffer);
                throw;
            }

            if (read == 0)
            {
                return new RequestBody(buffer, length);
            }

            length += read;
            if (length > limit)
            {
                Release(buffer);
                return null;
            }
        }
    }

    /// <summary>A body the gateway wrote itself (a request rebuilt from stored responses); not pooled.</summary>
    public static RequestBody Of(byte[] bytes) => new(bytes, bytes.Length, pooled: false);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (_pooled)
        {
            Release(buffer);
        }
    }

    private static void Release(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= PooledBufferWriter.LargestPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
