using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// DeepSeek V3's pre-tokenizer: a Sequence of three Isolated splits, each applied to the pieces of the previous
/// one (so look-arounds stop at piece boundaries): <c>\p{N}{1,3}</c>, then <c>[一-龥぀-ゟ゠-ヿ]+</c>, then
/// <see cref="Stage3Pattern"/>. Characters no alternative matches are kept as gap pieces, as Hugging Face does.
/// </summary>
internal sealed class DeepSeekPreTokenizer : PreTokenizer
{
    public const string Stage1Pattern = @"\p{N}{1,3}";
    public const string Stage2Pattern = "[一-龥぀-ゟ゠-ヿ]+";
    public const string Stage3Pattern =
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    private const int LetterOrMark = CharClass.Letter | CharClass.Mark;
    private const int PunctOrSymbol = CharClass.Punctuation | CharClass.Symbol;

    public override bool EndsPieceAfterLineFeedBeforeLetter => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end1 = Stage1End(text, start);
            var s1 = text[start..end1];
            var pos = 0;
            while (pos < s1.Length)
            {
                var end2 = Stage2End(s1, pos);
                var s2 = s1[pos..end2];
                var p = 0;
                while (p < s2.Length)
                {
                    var e = Stage3End(s2, p);
                    sink.OnPiece(s2[p..e]);
                    p = e;
                }

                pos = end2;
            }

            start = end1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stage1End(ReadOnlySpan<char> text, int start)
    {
        var pos = start;
        if ((CharClass.At(text, pos, out var width) & CharClass.Number) != 0)
        {
            pos += width;
            for (var count = 1; count < 3 && pos < text.Length; count++)
            {
                if ((CharClass.At(text, pos, out width) & CharClass.Number) == 0)
                {
                    break;
                }

                pos += width;
            }

            return pos;
        }

        pos += width;
        while (pos < text.Length && (CharClass.At(text, pos, out width) & CharClass.Number) == 0)
        {
            pos += width;
        }

        return pos;
    }

    private static bool IsCjk(char c) => c is (>= '\u4E00' and <= '\u9FA5') or (>= '\u3040' and <= '\u30FF');

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stage2End(ReadOnlySpan<char> text, int start)
    {
        var cjk = IsCjk(text[start]);
        var pos = start + 1;
        while (pos < text.Length && IsCjk(text[pos]) == cjk)
        {
            pos++;
        }

        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Stage3End(ReadOnlySpan<char> text, int start)
    {
        var end = MatchAt(text, start);
        if (end >= 0)
        {
            return end;
        }

        CharClass.CodePointAt(text, start, out var width);
        var pos = start + width;
        while (pos < text.Length && MatchAt(text, pos) < 0)
        {
            CharClass.CodePointAt(text, pos, out width);
            pos += width;
        }

        return pos;
    }

    private static bool IsAsciiPunct(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    // Returns the end of the stage-3 match starting exactly at start, or -1 when no alternative matches there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MatchAt(ReadOnlySpan<char> text, int start)
    {
        var c = text[start];
        if (IsAsciiPunct(c) && start + 1 < text.Length && IsAsciiLetter(text[start + 1]))
        {
            var pos = start + 2;
            while (pos < text.Length && IsAsciiLetter(text[pos]))
            {
                pos++;
            }

            return pos;
        }

        var cls = CharClass.At(text, start, out var width);
        var next = start + width;
        if ((cls & LetterOrMark) != 0
            || ((cls & (CharClass.Letter | PunctOrSymbol)) == 0 && c is not '\r' and not '\n'
                && next < text.Length && (CharClass.At(text, next, out _) & LetterOrMark) != 0))
        {
            var pos = next;
            while (pos < text.Length && (CharClass.At(text, pos, out var w) & LetterOrMark) != 0)
            {
                pos += w;
            }

            return pos;
        }

        var p = start;
        if (c == ' ' && next < text.Length && (CharClass.At(text, next, out _) & PunctOrSymbol) != 0)
        {
            p = next;
        }

        if ((CharClass.At(text, p, out width) & PunctOrSymbol) != 0)
        {
            p += width;
            while (p < text.Length && (CharClass.At(text, p, out width) & PunctOrSymbol) != 0)
            {
                p += width;
            }

            while (p < text.Length && text[p] is '\r' or '\n')
            {
                p++;
            }

            return p;
        }

        return (cls & CharClass.White) != 0 ? Whitespace.PieceEnd(text, start) : -1;
    }
}
