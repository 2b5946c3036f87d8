using System.Buffers;
using System.Runtime.CompilerServices;

namespace Ciyuan.Tokenizers.Text;

/// <summary>
/// Finds added/special tokens in text, leftmost-longest, as Hugging Face's AddedVocabulary (Aho-Corasick with
/// MatchKind::LeftmostLongest) does.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<string> _values;
    private readonly Dictionary<char, (string Text, int Id)[]> _byFirstChar;

    public AddedTokenMatcher(IEnumerable<KeyValuePair<string, int>> tokens)
    {
        var list = tokens.Where(t => t.Key.Length > 0).ToList();
        _values = SearchValues.Create(list.Select(t => t.Key).Distinct(StringComparer.Ordinal).ToArray(), StringComparison.Ordinal);
        _byFirstChar = list
            .GroupBy(t => t.Key[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Key.Length).Select(t => (t.Key, t.Value)).ToArray());
    }

    /// <summary>Finds the leftmost (then longest) token in <paramref name="text"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryFind(ReadOnlySpan<char> text, out int index, out int length, out int id)
    {
        index = text.IndexOfAny(_values);
        if (index >= 0)
        {
            var rest = text[index..];
            foreach (var (token, tokenId) in _byFirstChar[rest[0]])
            {
                if (rest.StartsWith(token, StringComparison.Ordinal))
                {
                    length = token.Length;
                    id = tokenId;
                    return true;
                }
            }
        }

        index = length = id = -1;
        return false;
    }
}
