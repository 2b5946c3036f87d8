using System.Runtime.CompilerServices;
namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>The case-insensitive <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> alternative shared by the GPT-style patterns.</summary>
internal static class Contractions
{
    /// <summary>Length of the contraction at <paramref name="index"/> (which holds an apostrophe), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int LengthAt(ReadOnlySpan<char> text, int index)
    {
        if (index + 1 >= text.Length || text[index] != '\'')
        {
            return 0;
        }

        var a = Fold(text[index + 1]);
        if (a is 's' or 't' or 'm' or 'd')
        {
            return 2;
        }

        if (index + 2 >= text.Length)
        {
            return 0;
        }

        var b = Fold(text[index + 2]);
        return (a, b) switch
        {
            ('r', 'e') or ('v', 'e') or ('l', 'l') => 3,
            _ => 0,
        };
    }

    // Simple case folding as Oniguruma and the Rust regex crate apply it: ASCII letters, and U+017F (long s) -> s.
    private static char Fold(char c) => c switch
    {
        >= 'A' and <= 'Z' => (char)(c | 0x20),
        '\u017F' => 's',
        _ => c,
    };
}
