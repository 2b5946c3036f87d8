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

    public SseReader(Stream stream)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
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
        _length = 0;
        EventName = null;
        var hasData = false;
        while (true)
        {
            if (_completed)
            {
                if (hasData)
                {
                    EndedMidEvent = true;
                    Kind = SseFrameKind.Data;
                    return true;
                }

                return false;
            }

            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var frameReady = false;
            while (TryReadLine(ref buffer, out var line))
            {
                if (line.IsEmpty)
                {
                    if (hasData)
                    {
                        frameReady = true;
                        break;
                    }

                    continue;
                }

                if (line.FirstSpan[0] == (byte)':')
                {
                    if (!hasData)
                    {
                        Kind = SseFrameKind.Comment;
                        Append(line.Slice(1));
                        frameReady = true;
                        break;
                    }

                    continue;
                }

                if (StartsWith(line, "data:"u8))
                {
                    var value = line.Slice(5);
                    if (!value.IsEmpty && value.FirstSpan[0] == (byte)' ')
                    {
                        value = value.Slice(1);
                    }

                    if (hasData)
                    {
                        Append("\n"u8);
                    }

                    Append(value);
                    hasData = true;
                    Kind = SseFrameKind.Data;
                }
                else if (StartsWith(line, "event:"u8))
                {
                    EventName = System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, line.Slice(6)).Trim();
                }

                // id:, retry: and unknown fields carry nothing the gateway needs.
            }

            if (result.IsCompleted && !frameReady)
            {
                _completed = true;
                if (!buffer.IsEmpty && !hasData)
                {
                    // A final line without a newline: treat it as a line.
                    var tail = buffer;
                    if (StartsWith(tail, "data:"u8))
                    {
                        var value = tail.Slice(5);
                        if (!value.IsEmpty && value.FirstSpan[0] == (byte)' ')
                        {
                            value = value.Slice(1);
                        }

                        Append(value);
                        hasData = true;
                        Kind = SseFrameKind.Data;
                    }
                }

                buffer = buffer.Slice(buffer.End);
            }

            if (frameReady)
            {
                // Only what was consumed counts as examined: the rest may already hold the next
                // frame, and the next read must return it without waiting for more bytes.
                _reader.AdvanceTo(buffer.Start);
                return true;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
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
