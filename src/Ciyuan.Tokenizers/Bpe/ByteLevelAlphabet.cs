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

    /// <summary>
    /// Decodes a byte-level token given as UTF-8 (as it stands, unescaped, in a tokenizer.json) to the bytes it
    /// stands for, without making a string; false when a character is outside the alphabet. The alphabet's
    /// characters are all below U+0800, so each is one or two UTF-8 bytes; <paramref name="bytes"/> needs room
    /// for <c>utf8.Length</c>.
    /// </summary>
    public static bool TryDecodeUtf8(ReadOnlySpan<byte> utf8, Span<byte> bytes, out int written)
    {
        written = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            int c = utf8[i];
            if (c >= 0x80)
            {
                if ((c & 0xE0) != 0xC0 || i + 1 >= utf8.Length || (utf8[i + 1] & 0xC0) != 0x80)
                {
                    return false;
                }

                c = ((c & 0x1F) << 6) | (utf8[++i] & 0x3F);
            }

            if (c >= 512 || s_charToByte[c] < 0)
            {
                return false;
            }

            bytes[written++] = (byte)s_charToByte[c];
        }

        return true;
    }
}
