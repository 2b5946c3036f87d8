using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Ciyuan.Tokenizers.Streaming;

/// <summary>
/// Joins decoded blocks into chunks that end at the last safe cut (<see cref="ITokenizer.LastSafeCut"/>) of
/// what has arrived, carrying the rest over to the next block. A cut depends only on the characters either
/// side of it, so a cut found before the rest of the input has arrived is as good as one found in the whole.
/// Input with no safe cut (or a tokenizer that finds none) becomes one chunk.
/// </summary>
internal static class SafeCutChunker
{
    public static async IAsyncEnumerable<TextChunk> ChunksAsync(
        ITokenizer tokenizer, ChannelReader<TextChunk> blocks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TextChunk carry = default;
        await foreach (var block in blocks.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var text = carry.Length == 0 ? block : Join(carry, block);
            // The carried text holds no safe cut, so only the new text (and the seam before it) is searched.
            var searchFrom = Math.Max(0, carry.Length - 1);
            var found = tokenizer.LastSafeCut(text.Text[searchFrom..]);
            if (found <= 0)
            {
                carry = text;
                continue;
            }

            var cut = searchFrom + found;
            var rest = text.Length - cut;
            carry = default;
            if (rest > 0)
            {
                var tail = ArrayPool<char>.Shared.Rent(rest);
                text.Text[cut..].CopyTo(tail);
                carry = new TextChunk(tail, rest);
            }

            yield return text with { Length = cut };
        }

        if (carry.Length > 0)
        {
            yield return carry;
        }
    }

    private static TextChunk Join(TextChunk first, TextChunk second)
    {
        var joined = ArrayPool<char>.Shared.Rent(first.Length + second.Length);
        first.Text.CopyTo(joined);
        second.Text.CopyTo(joined.AsSpan(first.Length));
        first.Return();
        second.Return();
        return new TextChunk(joined, first.Length + second.Length);
    }
}
