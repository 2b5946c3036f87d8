using System.Text;

namespace Ciyuan.Tokenizers.Tests.Streaming;

/// <summary>
/// One long mixed text for the chunked-tokenization tests: the generated corpus (English, Chinese and other
/// scripts, code, emoji, whitespace runs, special-token strings, unpaired surrogates) and the reference
/// vectors, as a file would hold them, with invalid UTF-8 sprinkled into the bytes.
/// </summary>
internal static class StreamingCorpus
{
    private static readonly Lazy<byte[]> s_bytes = new(Build);

    /// <summary>The corpus as UTF-8 bytes, invalid sequences included.</summary>
    public static byte[] Bytes => s_bytes.Value;

    /// <summary>What one call sees: the bytes decoded as UTF-8 in one go.</summary>
    public static string Text { get; } = Encoding.UTF8.GetString(Bytes);

    private static byte[] Build()
    {
        var text = string.Join('\n', DifferentialCorpus.Documents.Select(d => d.Text).Concat(TestData.Vectors.Select(v => v.Text)));
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
        // A stray continuation byte, a lone lead byte, a truncated three-byte sequence, an overlong form and a
        // byte never valid in UTF-8, every ~40 KB — some of them land on block boundaries.
        byte[][] invalid = [[0x80], [0xC3], [0xE4, 0xB8], [0xC0, 0xAF], [0xFF]];
        var random = new Random(17);
        for (var at = bytes.Count - 1000; at > 0; at -= 40_000 + random.Next(1000))
        {
            bytes.InsertRange(at, invalid[random.Next(invalid.Length)]);
        }

        return [.. bytes];
    }
}
