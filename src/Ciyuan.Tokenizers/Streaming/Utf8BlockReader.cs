using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace Ciyuan.Tokenizers.Streaming;

/// <summary>
/// Reads a UTF-8 stream in blocks of a fixed size and decodes each as it arrives. One decoder carries a
/// character whose bytes straddle two blocks, so the text is exactly <see cref="Encoding.UTF8"/>'s decoding of
/// the whole stream (invalid bytes become U+FFFD, a byte order mark is kept as text).
/// </summary>
internal static class Utf8BlockReader
{
    /// <summary>Reads <paramref name="source"/> to its end, writing decoded blocks to <paramref name="blocks"/>; completes it (with the error, if any).</summary>
    public static void Run(Stream source, int blockBytes, ChannelWriter<TextChunk> blocks, CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(blockBytes);
        var decoder = Encoding.UTF8.GetDecoder();
        try
        {
            bool end;
            do
            {
                var filled = Fill(source, bytes.AsSpan(0, blockBytes), cancellationToken);
                end = filled < blockBytes;
                var input = bytes.AsSpan(0, filled);
                var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, decoder.GetCharCount(input, flush: end)));
                var length = decoder.GetChars(input, chars, flush: end);
                if (length == 0)
                {
                    ArrayPool<char>.Shared.Return(chars);
                    continue;
                }

                var block = new TextChunk(chars, length);
                while (!blocks.TryWrite(block))
                {
                    // A dedicated thread waits here while the tokenizer catches up (or is still loading).
                    if (!blocks.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                    {
                        block.Return();
                        return;
                    }
                }
            }
            while (!end);

            blocks.TryComplete();
        }
        catch (Exception ex)
        {
            blocks.TryComplete(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // Pipes return what is there; a block is filled before it is decoded so that chunks stay large.
    private static int Fill(Stream source, Span<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = source.Read(buffer[filled..]);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
