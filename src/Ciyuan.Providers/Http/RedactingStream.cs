using Ciyuan.Core.Secrets;

namespace Ciyuan.Providers.Http;

/// <summary>
/// An upstream's response body with the gateway's secrets masked as it is read, so every relay,
/// parser and error message downstream sees only masked bytes — redaction by construction rather
/// than at each call site. A secret split across two reads is caught by holding back a tail that
/// could be its start (never the end of an SSE frame, which is a blank line, so streaming is not
/// delayed) until the next read shows what follows.
/// </summary>
internal sealed class RedactingStream(Stream inner, SecretRedactor redactor, byte[] callerSecret) : Stream
{
    private readonly byte[] _held = new byte[Math.Max(redactor.Longest, callerSecret.Length)];
    private int _heldCount;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("an upstream body has no known length");

    public override long Position
    {
        get => throw new NotSupportedException("an upstream body cannot seek");
        set => throw new NotSupportedException("an upstream body cannot seek");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            // Zero-byte reads wait for data without taking any; pass them through.
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            // Bytes held back last time go first; if the caller's buffer is smaller, it gets part of them.
            var carried = Math.Min(_heldCount, buffer.Length);
            _held.AsSpan(0, carried).CopyTo(buffer.Span);
            _held.AsSpan(carried, _heldCount - carried).CopyTo(_held);
            _heldCount -= carried;

            var read = buffer.Length > carried ? await inner.ReadAsync(buffer[carried..], cancellationToken).ConfigureAwait(false) : 0;
            var count = carried + read;
            var span = buffer.Span[..count];
            redactor.RedactInPlace(span, callerSecret);
            if (read == 0 && _heldCount == 0)
            {
                // The end of the body: nothing more can follow a partial secret.
                return count;
            }

            var hold = _heldCount > 0 ? 0 : redactor.PartialSecretAtEnd(span, callerSecret);
            if (hold > 0 && hold < count)
            {
                span[^hold..].CopyTo(_held);
                _heldCount = hold;
                return count - hold;
            }

            if (hold == 0 || read == 0)
            {
                return count;
            }

            // Everything read so far could be the start of a secret: read more before answering.
            span.CopyTo(_held);
            _heldCount = count;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("an upstream body cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("an upstream body is read-only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("an upstream body is read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
