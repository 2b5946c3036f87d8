namespace Ciyuan.Tokenizers.Tests.Streaming;

public sealed class SafeCutTests
{
    public static TheoryData<string> Families => ["qwen3", "deepseek_v3", "o200k", "cl100k"];

    [Theory]
    [MemberData(nameof(Families))]
    public void LastSafeCut_CorpusDocuments_PartsEncodeLikeTheWhole(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);
        var cuts = 0;
        foreach (var document in DifferentialCorpus.Documents)
        {
            var text = document.Text;
            var whole = tokenizer.EncodeToIds(text);
            // Up to three cuts per document, from the end: each is the last safe cut of the text before the previous one.
            var end = text.Length;
            for (var n = 0; n < 3; n++)
            {
                var cut = tokenizer.LastSafeCut(text.AsSpan(0, end));
                if (cut < 0)
                {
                    break;
                }

                Assert.InRange(cut, 1, end - 1);
                Assert.Equal('\n', text[cut - 1]);
                var parts = tokenizer.EncodeToIds(text[..cut]).Concat(tokenizer.EncodeToIds(text[cut..]));
                Assert.True(whole.SequenceEqual(parts), $"{family}: cut at {cut} changes the tokens of: {text[Math.Max(0, cut - 40)..Math.Min(text.Length, cut + 40)]}");
                cuts++;
                end = cut;
            }
        }

        Assert.True(cuts > 1000, $"only {cuts} cuts found");
    }

    [Theory]
    [InlineData("a\nb", 2)]
    [InlineData("a\n\nb", 3)]
    [InlineData("x.\nYes\n 中", 3)]         // a space after the line feed: not there
    [InlineData("one\n二\n", 4)]             // the last line feed has nothing after it
    [InlineData("no line feed", -1)]
    [InlineData("digits\n123", -1)]
    [InlineData("\nword", 1)]
    [InlineData("", -1)]
    public void LastSafeCut_Text_FindsTheLastLineFeedBeforeALetter(string text, int expected)
    {
        foreach (var family in Families)
        {
            Assert.Equal(expected, TokenizerRegistry.Shared.Get(family).LastSafeCut(text));
        }
    }

    [Fact]
    public void LastSafeCut_Estimate_FindsNone()
    {
        // An estimate rounds up per call, so counts of parts would not add up: it never cuts.
        Assert.Equal(-1, TokenizerRegistry.Shared.Get("glm").LastSafeCut("a\nb\nc"));
    }
}
