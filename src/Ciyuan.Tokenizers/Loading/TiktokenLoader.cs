using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Ciyuan.Tokenizers.Bpe;
using Ciyuan.Tokenizers.Chat;
using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers.Loading;

/// <summary>
/// Loads a tiktoken rank file: one <c>base64(token bytes) rank</c> per line (Microsoft.ML.Tokenizers' data
/// packages prefix a <c>Capacity: n</c> line, which is skipped, and omit ranks, which then follow line order).
/// </summary>
internal static class TiktokenLoader
{
    public static ExactTokenizer Load(
        Stream ranks, string family, string pattern, IReadOnlyDictionary<string, int> specialTokens, IChatFormat chat)
    {
        var (buffer, length) = StreamBytes.ReadAll(ranks);
        List<byte[]?> tokens;
        try
        {
            tokens = ReadRanks(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var added = specialTokens.Select(kv => new AddedToken(kv.Value, kv.Key, Special: true, Normalized: false)).ToList();
        var model = new BpeModel(new ByteSequenceTable(tokens));
        return new ExactTokenizer(family, model, PreTokenizerFactory.FromPattern(pattern), nfc: false, added, chat);
    }

    // Lines are read as bytes, base64 decoded in place: no string per line.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<byte[]?> ReadRanks(ReadOnlySpan<byte> text)
    {
        var tokens = new List<byte[]?>(1 << 18);
        Span<byte> decoded = stackalloc byte[512];
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];                   // a byte order mark
        }

        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            line = line.TrimEnd(" \t\r"u8);

            if (line.IsEmpty || (lineNumber == 1 && line.StartsWith("Capacity:"u8)))
            {
                continue;
            }

            var space = line.IndexOf((byte)' ');
            int rank;
            if (space < 0)
            {
                rank = tokens.Count;            // rank implied by line order (Microsoft.ML.Tokenizers data packages)
                space = line.Length;
            }
            else if (space == 0 || !Utf8Parser.TryParse(line[(space + 1)..], out rank, out var consumed) || consumed != line.Length - space - 1 || rank < 0)
            {
                throw new InvalidDataException($"tiktoken line {lineNumber}: expected '<base64> <rank>'.");
            }

            var encoded = line[..space];
            if (Base64.GetMaxDecodedFromUtf8Length(encoded.Length) > decoded.Length)
            {
                decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
            }

            if (Base64.DecodeFromUtf8(encoded, decoded, out _, out var written) != OperationStatus.Done)
            {
                throw new InvalidDataException($"tiktoken line {lineNumber}: invalid base64.");
            }

            while (tokens.Count <= rank)
            {
                tokens.Add(null);
            }

            tokens[rank] = decoded[..written].ToArray();
        }

        return tokens;
    }
}
