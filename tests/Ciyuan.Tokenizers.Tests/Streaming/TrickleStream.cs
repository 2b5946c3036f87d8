namespace Ciyuan.Tokenizers.Tests.Streaming;

/// <summary>A read-only stream over bytes that, like a pipe, returns fewer bytes than asked (1 to <c>maxRead</c>), and can fail at a position.</summary>
internal sealed class TrickleStream(byte[] bytes, int maxRead, int seed, long failAt = -1) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAt >= 0 && _position >= failAt)
        {
            throw new IOException("the disk went away");
        }

        var n = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), 1 + _random.Next(maxRead));
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
