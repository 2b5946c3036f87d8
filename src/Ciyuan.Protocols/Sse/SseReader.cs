using System.Buffers;
using System.IO.Pipelines;

namespace Ciyuan.Protocols.Sse;

/// <summary>
/// Reads server-sent events from an upstream body one frame at a time, as they arrive.
/// Written by hand rather than with System.Net.ServerSentEvents because the relay needs the raw
/// UTF-8 bytes of each frame (to forward them untouched) and the comment lines (keep-alives),
/// which that parser decodes to strings or drops. The frame in <see cref="Data"/> stays valid
/// until the next call to <see cref="ReadAsync"/>.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly PipeReader _reader;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;
    private bool _completed;
    private bool _hasData;
    private bool _delivered = true;

    // Options are immutable: one instance serves every stream.
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, leaveOpen: true, useZeroByteReads: true);

    public SseReader(Stream stream)
    {
        // Zero-byte reads: the reader waits for the upstream's next bytes without holding a buffer,
        // and rents one only when there is something to read. A stream that waits a second between
        // chunks (most of an LLM answer's life) then costs no buffer at all; with 16 KiB held per
        // waiting stream, 10,000 open streams held 160 MiB (docs/performance.md, "Many open streams").
        _reader = PipeReader.Create(stream, ReaderOptions);
    }

    public SseFrameKind Kind { get; private set; }

    /// <summary>The event name of the current frame, if it had an <c>event:</c> line.</summary>
    public string? EventName { get; private set; }

    public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, _length);

    /// <summary>True when the stream ended without a blank line closing its last event.</summary>
    public bool EndedMidEvent { get; private set; }

    /// <summary>Reads the next frame; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        BeginFrame();
        while (true)
        {
            if (_completed)
            {
                return DeliverTail();
            }

            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Consume(result))
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Reads the next frame only if it is already buffered, without waiting. Lets a relay write
    /// several frames that arrived together and flush once.
    /// </summary>
    public bool TryReadBuffered()
    {
        BeginFrame();
        if (_completed)
        {
            return _hasData && DeliverTail();
        }

        return _reader.TryRead(out var result) && Consume(result);
    }

    private void BeginFrame()
    {
        // A frame left half-read by TryReadBuffered continues where it stopped.
        if (_delivered)
        {
            _length = 0;
            EventName = null;
            _hasData = false;
            _delivered = false;
        }
    }

    private bool DeliverTail()
    {
        if (!_hasData)
        {
            return false;
        }

        EndedMidEvent = true;
        Kind = SseFrameKind.Data;
        _hasData = false;
        _delivered = true;
        return true;
    }

    /// <summary>Parses lines from <paramref name="result"/>; true when a whole frame is ready.</summary>
    private bool Consume(ReadResult result)
    {
        var buffer = result.Buffer;
        while (TryReadLine(ref buffer, out var line))
        {
            if (line.IsEmpty)
            {
                if (_hasData)
                {
                    return Deliver(buffer);
                }

                // An event without data is dispatched as nothing; its name must not leak into the next one.
                EventName = null;
                continue;
            }

            if (line.FirstSpan[0] == (byte)':')
            {
                if (!_hasData)
                {
                    Kind = SseFrameKind.Comment;
                    Append(line.Slice(1));
                    return Deliver(buffer);
                }

                continue;
            }

            if (StartsWith(line, "data:"u8))
            {
                AppendData(line.Slice(5));
            }
            else if (StartsWith(line, "event:"u8))
            {
                EventName = System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, line.Slice(6)).Trim();
            }

            // id:, retry: and unknown fields carry nothing the gateway needs.
        }

        if (result.IsCompleted)
        {
            _completed = true;
            if (!buffer.IsEmpty && StartsWith(buffer, "data:"u8))
            {
                // A last line without its newline.
                AppendData(buffer.Slice(5));
            }

            _reader.AdvanceTo(buffer.End);
            return DeliverTail();
        }

        _reader.AdvanceTo(buffer.Start, buffer.End);
        return false;
    }

    private bool Deliver(in ReadOnlySequence<byte> rest)
    {
        // Only what was consumed counts as examined: the rest may already hold the next frame,
        // and the next read must return it without waiting for more bytes.
        _reader.AdvanceTo(rest.Start);
        _hasData = false;
        _delivered = true;
        return true;
    }

    private void AppendData(ReadOnlySequence<byte> value)
    {
        if (!value.IsEmpty && value.FirstSpan[0] == (byte)' ')
        {
            value = value.Slice(1);
        }

        if (_hasData)
        {
            Append("\n"u8);
        }

        Append(value);
        _hasData = true;
        Kind = SseFrameKind.Data;
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        return true;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan[^1] == (byte)'\r';
        }

        return line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';
    }

    private static bool StartsWith(in ReadOnlySequence<byte> line, ReadOnlySpan<byte> prefix)
    {
        if (line.Length < prefix.Length)
        {
            return false;
        }

        if (line.FirstSpan.Length >= prefix.Length)
        {
            return line.FirstSpan.StartsWith(prefix);
        }

        Span<byte> head = stackalloc byte[prefix.Length];
        line.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }

    private void Append(in ReadOnlySequence<byte> bytes)
    {
        Ensure(_length + (int)bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += (int)bytes.Length;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(_length + bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int size)
    {
        if (size <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
