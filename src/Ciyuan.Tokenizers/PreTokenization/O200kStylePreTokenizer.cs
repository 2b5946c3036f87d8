using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// Scanner for o200k_base's pattern and Kimi K2's variant of it (a leading <c>[\p{Han}]+</c> alternative,
/// Han excluded from the letter classes, no <c>/</c> after punctuation), evaluated on code points.
/// </summary>
internal sealed class O200kStylePreTokenizer(bool kimi) : ScanningPreTokenizer
{
    public const string O200kPattern =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    public const string KimiPattern =
        @"[\p{Han}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const int Other = CharClass.White | CharClass.Letter | CharClass.Number;

    public override bool EndsPieceAfterLineFeedBeforeLetter => true;

    // Membership in [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (upper) and [\p{Ll}\p{Lm}\p{Lo}\p{M}] (lower).
    private const int InUpper = 1;
    private const int InLower = 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int NextEnd(ReadOnlySpan<char> text, int start)
    {
        var cp = CharClass.CodePointAt(text, start, out var width);
        if (kimi && CharClass.IsHan(cp))
        {
            var pos = start + width;
            while (pos < text.Length && CharClass.IsHan(CharClass.CodePointAt(text, pos, out var w)))
            {
                pos += w;
            }

            return pos;
        }

        var cls = CharClass.Of(cp);
        var prefixable = (cls & (CharClass.Letter | CharClass.Number)) == 0 && cp is not '\r' and not '\n';

        // Alternative 1: prefix? upper* lower+ contraction?
        var end = prefixable ? UpperThenLower(text, start + width) : -1;
        if (end < 0)
        {
            end = UpperThenLower(text, start);
        }

        // Alternative 2: prefix? upper+ lower* contraction?
        if (end < 0 && prefixable)
        {
            end = UpperPlusLower(text, start + width);
        }

        if (end < 0)
        {
            end = UpperPlusLower(text, start);
        }

        if (end >= 0)
        {
            return end + Contractions.LengthAt(text, end);
        }

        if ((cls & CharClass.Number) != 0)
        {
            var pos = start + width;
            for (var count = 1; count < 3 && pos < text.Length; count++)
            {
                if ((CharClass.At(text, pos, out var w) & CharClass.Number) == 0)
                {
                    break;
                }

                pos += w;
            }

            return pos;
        }

        var p = start;
        if (cp == ' ' && start + 1 < text.Length && (CharClass.At(text, start + 1, out _) & Other) == 0)
        {
            p = start + 1;
        }

        if ((CharClass.At(text, p, out width) & Other) == 0)
        {
            p += width;
            while (p < text.Length && (CharClass.At(text, p, out width) & Other) == 0)
            {
                p += width;
            }

            while (p < text.Length && (text[p] is '\r' or '\n' || (!kimi && text[p] == '/')))
            {
                p++;
            }

            return p;
        }

        return Whitespace.PieceEnd(text, start);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Membership(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (c < 0x80)
        {
            width = 1;
            return c switch
            {
                >= 'a' and <= 'z' => InLower,
                >= 'A' and <= 'Z' => InUpper,
                _ => 0,
            };
        }

        var cp = CharClass.CodePointAt(text, index, out width);
        var cls = CharClass.Of(cp);
        int result;
        if ((cls & CharClass.Mark) != 0)
        {
            result = InUpper | InLower;
        }
        else if ((cls & CharClass.Letter) == 0)
        {
            return 0;
        }
        else if ((cls & CharClass.UpperLike) != 0)
        {
            result = InUpper;
        }
        else if ((cls & CharClass.LowerLike) != 0)
        {
            result = InLower;
        }
        else
        {
            result = InUpper | InLower;   // Lm, Lo
        }

        return kimi && CharClass.IsHan(cp) ? 0 : result;
    }

    // [U]*[W]+ from pos with backtracking; returns the end or -1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpperThenLower(ReadOnlySpan<char> text, int pos)
    {
        if (pos >= text.Length)
        {
            return -1;
        }

        var lastLowerEnd = -1;
        int m = 0, w = 0;
        while (pos < text.Length)
        {
            m = Membership(text, pos, out w);
            if ((m & InUpper) == 0)
            {
                break;
            }

            pos += w;
            if ((m & InLower) != 0)
            {
                lastLowerEnd = pos;
            }
        }

        if (pos < text.Length && (m & InLower) != 0)
        {
            pos += w;
            while (pos < text.Length && (Membership(text, pos, out w) & InLower) != 0)
            {
                pos += w;
            }

            return pos;
        }

        return lastLowerEnd;
    }

    // [U]+[W]* from pos; returns the end or -1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpperPlusLower(ReadOnlySpan<char> text, int pos)
    {
        var start = pos;
        int w;
        while (pos < text.Length && (Membership(text, pos, out w) & InUpper) != 0)
        {
            pos += w;
        }

        if (pos == start)
        {
            return -1;
        }

        while (pos < text.Length && (Membership(text, pos, out w) & InLower) != 0)
        {
            pos += w;
        }

        return pos;
    }
}
