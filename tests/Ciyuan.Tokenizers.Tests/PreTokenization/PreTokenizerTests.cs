using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers.Tests.PreTokenization;

public sealed class PreTokenizerTests
{
    private sealed class Collector : IPieceSink
    {
        public List<string> Pieces { get; } = [];

        public void OnPiece(ReadOnlySpan<char> piece) => Pieces.Add(piece.ToString());
    }

    private static List<string> Split(PreTokenizer preTokenizer, string text)
    {
        var collector = new Collector();
        preTokenizer.Split(text, ref collector);
        return collector.Pieces;
    }

    [Theory]
    [InlineData(Cl100kStylePreTokenizer.QwenPattern)]
    [InlineData(Cl100kStylePreTokenizer.Cl100kPattern)]
    public void Split_RegexFallbackOnCorpus_AgreesWithScanner(string pattern)
    {
        var scanner = PreTokenizerFactory.FromPattern(pattern);
        var regex = new RegexPreTokenizer(pattern);
        Assert.IsNotType<RegexPreTokenizer>(scanner);

        // .NET's IgnoreCase does not fold U+017F to 's' as Oniguruma does; leave those documents out.
        foreach (var document in DifferentialCorpus.Documents.Take(600).Where(d => !d.Text.Contains('\u017F', StringComparison.Ordinal)))
        {
            Assert.Equal(Split(scanner, document.Text), Split(regex, document.Text));
        }
    }

    [Fact]
    public void Split_O200kRegexFallbackOnCorpus_AgreesWithScanner()
    {
        var scanner = new O200kStylePreTokenizer(kimi: false);
        var regex = new RegexPreTokenizer(O200kStylePreTokenizer.O200kPattern);

        foreach (var document in DifferentialCorpus.Documents.Take(600).Where(d => !d.Text.Contains('\u017F', StringComparison.Ordinal)))
        {
            Assert.Equal(Split(scanner, document.Text), Split(regex, document.Text));
        }
    }

    [Theory]
    [InlineData("你好world", new[] { "你好", "world" })]
    [InlineData("Hello世界！", new[] { "Hello", "世界", "！" })]
    [InlineData(" ABCdef's 𠮷野家", new[] { " ABCdef's", " ", "𠮷野家" })]
    [InlineData("HELLO world123/x", new[] { "HELLO", " world", "123", "/x" })]
    public void Split_KimiPattern_SeparatesHanFromLetters(string text, string[] expected)
    {
        Assert.Equal(expected, Split(PreTokenizerFactory.FromPattern(O200kStylePreTokenizer.KimiPattern), text));
    }

    [Fact]
    public void FromSequence_DeepSeekStages_UsesDedicatedScanner()
    {
        var pre = PreTokenizerFactory.FromSequence([DeepSeekPreTokenizer.Stage1Pattern, DeepSeekPreTokenizer.Stage2Pattern, DeepSeekPreTokenizer.Stage3Pattern]);

        Assert.IsType<DeepSeekPreTokenizer>(pre);
        Assert.Equal(["12", " ", "中文", "abc", " 😀", "\u200D", "😀"], Split(pre, "12 中文abc 😀\u200D😀"));
    }

    [Fact]
    public void FromSequence_UnknownPatterns_AppliesEachStageToPreviousPieces()
    {
        var pre = PreTokenizerFactory.FromSequence([@"\p{N}{1,3}", @"[a-z]+"]);

        Assert.Equal(["ab", "123", "4", "cd", "!"], Split(pre, "ab1234cd!"));
    }
}
