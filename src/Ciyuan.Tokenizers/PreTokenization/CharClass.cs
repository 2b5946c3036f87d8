using System.Globalization;
using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>
/// Code-point classification for the hand-written pre-tokenizer scanners. Works on code points, not UTF-16
/// units, so astral letters (U+20BB7, math bold) and emoji are classified like the reference regex engines
/// (Oniguruma, Rust regex) classify them. An unpaired surrogate reads as U+FFFD, as the reference sees it
/// after UTF-8 conversion.
/// </summary>
internal static class CharClass
{
    public const int Letter = 1;          // \p{L}
    public const int Number = 2;          // \p{N}
    public const int Mark = 4;            // \p{M}
    public const int Punctuation = 8;     // \p{P}
    public const int Symbol = 16;         // \p{S}
    public const int White = 32;          // \s (Oniguruma/Rust/.NET agree: \t-\r, U+0085, \p{Z})
    public const int UpperLike = 64;      // Lu | Lt
    public const int LowerLike = 128;     // Ll

    private static readonly byte[] s_bmp = BuildBmp();

    private static byte[] BuildBmp()
    {
        var table = new byte[65536];
        for (var c = 0; c < 65536; c++)
        {
            table[c] = c is >= 0xD800 and <= 0xDFFF
                ? (byte)Symbol // U+FFFD is So
                : FromCategory(CharUnicodeInfo.GetUnicodeCategory((char)c), c);
        }

        return table;
    }

    private static byte FromCategory(UnicodeCategory category, int codePoint)
    {
        if (codePoint is (>= 9 and <= 13) or 0x85)
        {
            return White;
        }

        return category switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Letter | UpperLike,
            UnicodeCategory.LowercaseLetter => Letter | LowerLike,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Mark,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => Punctuation,
            UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => Symbol,
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => White,
            _ => 0,
        };
    }

    /// <summary>Classifies a code point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(int codePoint) =>
        codePoint < 65536 ? s_bmp[codePoint] : FromCategory(CharUnicodeInfo.GetUnicodeCategory(codePoint), codePoint);

    /// <summary>Reads the code point at <paramref name="index"/>; <paramref name="width"/> is 1 or 2 UTF-16 units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int width)
    {
        int c = text[index];
        if ((uint)(c - 0xD800) >= 0x800)
        {
            width = 1;
            return c;
        }

        if (c <= 0xDBFF && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32((char)c, text[index + 1]);
        }

        width = 1;
        return 0xFFFD;
    }

    /// <summary>Class of the code point at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int At(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        if (c < 0xD800)
        {
            width = 1;
            return s_bmp[c];
        }

        return Of(CodePointAt(text, index, out width));
    }

    /// <summary>Script=Han (Unicode 14), used by Kimi's pattern.</summary>
    public static bool IsHan(int cp) => cp switch
    {
        < 0x2E80 => false,
        <= 0x2E99 or (>= 0x2E9B and <= 0x2EF3) or (>= 0x2F00 and <= 0x2FD5) or 0x3005 or 0x3007 => true,
        (>= 0x3021 and <= 0x3029) or (>= 0x3038 and <= 0x303B) or (>= 0x3400 and <= 0x4DBF) => true,
        (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFA6D) or (>= 0xFA70 and <= 0xFAD9) => true,
        (>= 0x16FE2 and <= 0x16FE3) or (>= 0x16FF0 and <= 0x16FF1) or (>= 0x20000 and <= 0x2A6DF) => true,
        (>= 0x2A700 and <= 0x2B738) or (>= 0x2B740 and <= 0x2B81D) or (>= 0x2B820 and <= 0x2CEA1) => true,
        (>= 0x2CEB0 and <= 0x2EBE0) or (>= 0x2F800 and <= 0x2FA1D) or (>= 0x30000 and <= 0x3134A) => true,
        _ => false,
    };
}
