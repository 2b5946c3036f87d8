namespace Ciyuan.Tokenizers.PreTokenization;

/// <summary>Maps split patterns to hand-written scanners where one exists, otherwise to a regex splitter.</summary>
internal static class PreTokenizerFactory
{
    /// <summary>GPT-2's pattern, used by a ByteLevel pre-tokenizer with <c>use_regex: true</c>.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>A pre-tokenizer for one Isolated split by <paramref name="pattern"/>.</summary>
    public static PreTokenizer FromPattern(string pattern) => Canonical(pattern) switch
    {
        var p when p == Canonical(Cl100kStylePreTokenizer.Cl100kPattern) => new Cl100kStylePreTokenizer(3),
        var p when p == Canonical(Cl100kStylePreTokenizer.QwenPattern) => new Cl100kStylePreTokenizer(1),
        var p when p == Canonical(O200kStylePreTokenizer.O200kPattern) => new O200kStylePreTokenizer(kimi: false),
        var p when p == Canonical(O200kStylePreTokenizer.KimiPattern) => new O200kStylePreTokenizer(kimi: true),
        _ => new RegexPreTokenizer(pattern),
    };

    /// <summary>A pre-tokenizer for a Sequence of Isolated splits.</summary>
    public static PreTokenizer FromSequence(IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 1)
        {
            return FromPattern(patterns[0]);
        }

        if (patterns.Count == 3
            && Canonical(patterns[0]) == Canonical(DeepSeekPreTokenizer.Stage1Pattern)
            && Canonical(patterns[1]) == Canonical(DeepSeekPreTokenizer.Stage2Pattern)
            && Canonical(patterns[2]) == Canonical(DeepSeekPreTokenizer.Stage3Pattern))
        {
            return new DeepSeekPreTokenizer();
        }

        return patterns.Count == 0
            ? new WholeTextPreTokenizer()
            : new SequencePreTokenizer(patterns.Select(FromPattern).ToArray());
    }

    // Raw CR/LF characters and their regex escapes mean the same inside a pattern.
    private static string Canonical(string pattern) => pattern.Replace("\r", @"\r", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
}
