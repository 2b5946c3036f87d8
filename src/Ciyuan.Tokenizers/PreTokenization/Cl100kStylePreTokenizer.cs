using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// Scanner for <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>:
/// cl100k_base (k = 3) and Qwen2/2.5/3 (k = 1), evaluated on code points.
/// </summary>
internal sealed class Cl100kStylePreTokenizer(int maxDigits) : ScanningPreTokenizer
{
    public const string Cl100kPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const int Other = CharClass.White | CharClass.Letter | CharClass.Number;

    public override bool EndsPieceAfterLineFeedBeforeLetter => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int NextEnd(ReadOnlySpan<char> text, int start)
    {
        var c = text[start];
        if (c == '\'')
        {
            var contraction = Contractions.LengthAt(text, start);
            if (contraction > 0)
            {
                return start + contraction;
            }
        }

        var cls = CharClass.At(text, start, out var width);
        if ((cls & CharClass.Letter) != 0)
        {
            return Letters(text, start + width);
        }

        var next = start + width;
        if ((cls & CharClass.Number) == 0 && c is not '\r' and not '\n' && next < text.Length
            && (CharClass.At(text, next, out _) & CharClass.Letter) != 0)
        {
            return Letters(text, next);
        }

        if ((cls & CharClass.Number) != 0)
        {
            var count = 1;
            while (count < maxDigits && next < text.Length && (CharClass.At(text, next, out var w) & CharClass.Number) != 0)
            {
                next += w;
                count++;
            }

            return next;
        }

        var pos = start;
        if (c == ' ' && next < text.Length && (CharClass.At(text, next, out _) & Other) == 0)
        {
            pos = next;
        }

        if ((CharClass.At(text, pos, out width) & Other) == 0)
        {
            pos += width;
            while (pos < text.Length && (CharClass.At(text, pos, out width) & Other) == 0)
            {
                pos += width;
            }

            while (pos < text.Length && text[pos] is '\r' or '\n')
            {
                pos++;
            }

            return pos;
        }

        return Whitespace.PieceEnd(text, start);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Letters(ReadOnlySpan<char> text, int pos)
    {
        while (pos < text.Length && (CharClass.At(text, pos, out var width) & CharClass.Letter) != 0)
        {
            pos += width;
        }

        return pos;
    }
}
