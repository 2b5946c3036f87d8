using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// An Isolated split by an arbitrary regex (user-supplied tokenizer files whose pattern has no hand-written
/// scanner). .NET's regex works on UTF-16 units, so text holding astral characters is matched against a copy in
/// which each astral code point is replaced by one BMP character of the same general category; matches are
/// mapped back. This keeps <c>\p{L}</c>, <c>\p{N}</c>, <c>\s</c> and friends exact for emoji and rare CJK.
/// </summary>
internal sealed class RegexPreTokenizer : PreTokenizer
{
    private readonly Regex _regex;

    public RegexPreTokenizer(string pattern)
    {
        try
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException ex)
        {
            throw new NotSupportedException($"The split pattern is not a valid .NET regex: {ex.Message}", ex);
        }
    }

    public override void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            SplitBmp(text, ref sink);
            return;
        }

        var mapped = ArrayPool<char>.Shared.Rent(text.Length);
        var offsets = ArrayPool<int>.Shared.Rent(text.Length + 1);
        try
        {
            var n = 0;
            for (var i = 0; i < text.Length;)
            {
                var cp = CharClass.CodePointAt(text, i, out var width);
                offsets[n] = i;
                mapped[n++] = cp < 0x10000 && width == 1 && !char.IsSurrogate(text[i]) ? (char)cp : Representative(cp);
                i += width;
            }

            offsets[n] = text.Length;
            var last = 0;
            foreach (var m in _regex.EnumerateMatches(mapped.AsSpan(0, n)))
            {
                if (m.Length == 0)
                {
                    continue;
                }

                int start = offsets[m.Index], end = offsets[m.Index + m.Length];
                if (start > last)
                {
                    sink.OnPiece(text[last..start]);
                }

                sink.OnPiece(text[start..end]);
                last = end;
            }

            if (last < text.Length)
            {
                sink.OnPiece(text[last..]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
            ArrayPool<char>.Shared.Return(mapped);
        }
    }

    private void SplitBmp<TSink>(ReadOnlySpan<char> text, ref TSink sink)
        where TSink : IPieceSink, allows ref struct
    {
        var last = 0;
        foreach (var m in _regex.EnumerateMatches(text))
        {
            if (m.Length == 0)
            {
                continue;
            }

            if (m.Index > last)
            {
                sink.OnPiece(text[last..m.Index]);
            }

            sink.OnPiece(text.Slice(m.Index, m.Length));
            last = m.Index + m.Length;
        }

        if (last < text.Length)
        {
            sink.OnPiece(text[last..]);
        }
    }

    // A BMP stand-in with the same general category (U+FFFD for unpaired surrogates, as the reference sees them).
    private static char Representative(int codePoint) =>
        codePoint > 0xFFFF ? CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter => '\u0181',
            UnicodeCategory.LowercaseLetter => '\u0180',
            UnicodeCategory.TitlecaseLetter => '\u01C5',
            UnicodeCategory.ModifierLetter => '\u02B0',
            UnicodeCategory.OtherLetter => '\u01BB',
            UnicodeCategory.NonSpacingMark => '\u0300',
            UnicodeCategory.SpacingCombiningMark => '\u0903',
            UnicodeCategory.EnclosingMark => '\u20DD',
            UnicodeCategory.DecimalDigitNumber => '\u0660',
            UnicodeCategory.LetterNumber => '\u2160',
            UnicodeCategory.OtherNumber => '\u00B2',
            UnicodeCategory.ConnectorPunctuation => '\u203F',
            UnicodeCategory.DashPunctuation => '\u2010',
            UnicodeCategory.OpenPunctuation => '\u2045',
            UnicodeCategory.ClosePunctuation => '\u2046',
            UnicodeCategory.InitialQuotePunctuation => '\u2039',
            UnicodeCategory.FinalQuotePunctuation => '\u203A',
            UnicodeCategory.OtherPunctuation => '\u203C',
            UnicodeCategory.MathSymbol => '\u2200',
            UnicodeCategory.CurrencySymbol => '\u20A0',
            UnicodeCategory.ModifierSymbol => '\u02C2',
            UnicodeCategory.OtherSymbol => '\u2100',
            UnicodeCategory.Format => '\u200B',
            UnicodeCategory.PrivateUse => '\uE000',
            _ => '\u0378',
        } : '\uFFFD';
}
