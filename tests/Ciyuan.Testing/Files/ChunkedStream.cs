namespace Ciyuan.Testing.Files;

/// <summary>
/// A read-only stream over fixed bytes that hands out at most a few bytes per read, with sizes
/// drawn from a seeded <see cref="Random"/>, so parsers meet every possible read boundary.
/// </summary>
public sealed class ChunkedStream(byte[] data, int maxChunk, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var remaining = data.Length - _position;
        if (remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var take = Math.Min(Math.Min(buffer.Length, remaining), _random.Next(1, maxChunk + 1));
        data.AsSpan(_position, take).CopyTo(buffer);
        _position += take;
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
