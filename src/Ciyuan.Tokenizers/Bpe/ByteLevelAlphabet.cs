namespace Ciyuan.Tokenizers.Bpe;

/// <summary>
/// GPT-2's byte-to-unicode table used by byte-level BPE vocabularies (<c>Ġ</c> = space, <c>Ċ</c> = newline):
/// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 and up.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = Build();
    private static readonly short[] s_charToByte = BuildInverse();

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }

    private static short[] BuildInverse()
    {
        var inverse = new short[512];
        inverse.AsSpan().Fill(-1);
        for (var b = 0; b < 256; b++)
        {
            inverse[s_byteToChar[b]] = (short)b;
        }

        return inverse;
    }

    /// <summary>Decodes a byte-level token string to bytes (one per character); false when a character is outside the alphabet.</summary>
    public static bool TryDecode(ReadOnlySpan<char> token, Span<byte> bytes)
    {
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (c >= 512 || s_charToByte[c] < 0)
            {
                return false;
            }

            bytes[i] = (byte)s_charToByte[c];
        }

        return true;
    }
}
