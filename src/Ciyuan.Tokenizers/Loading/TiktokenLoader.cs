using System.Buffers.Text;
using System.Text;
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
        var tokens = new List<byte[]?>();
        using (var reader = new StreamReader(ranks, Encoding.UTF8))
        {
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("Capacity:", StringComparison.Ordinal)))
                {
                    continue;
                }

                var space = line.IndexOf(' ', StringComparison.Ordinal);
                int rank;
                if (space < 0)
                {
                    rank = tokens.Count;            // rank implied by line order (Microsoft.ML.Tokenizers data packages)
                    space = line.Length;
                }
                else if (space == 0 || !int.TryParse(line.AsSpan(space + 1), out rank) || rank < 0)
                {
                    throw new InvalidDataException($"tiktoken line {lineNumber}: expected '<base64> <rank>'.");
                }

                var encoded = line.AsSpan(0, space);
                var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
                if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
                {
                    throw new InvalidDataException($"tiktoken line {lineNumber}: invalid base64.");
                }

                while (tokens.Count <= rank)
                {
                    tokens.Add(null);
                }

                tokens[rank] = bytes.AsSpan(0, written).ToArray();
            }
        }

        var added = specialTokens.Select(kv => new AddedToken(kv.Value, kv.Key, Special: true, Normalized: false)).ToList();
        var model = new BpeModel(new ByteSequenceTable(tokens));
        return new ExactTokenizer(family, model, PreTokenizerFactory.FromPattern(pattern), nfc: false, added, chat);
    }
}
