namespace Ciyuan.Tokenizers.Tests;

public sealed class DifferentialTests
{
    [Theory]
    [InlineData("qwen3")]
    [InlineData("deepseek_v3")]
    [InlineData("o200k")]
    [InlineData("cl100k")]
    public void EncodeToIds_GeneratedCorpus_MatchesReferenceIds(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);
        var failures = new List<string>();
        var documents = DifferentialCorpus.Documents;
        long totalTokens = 0;
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
            var (count, hash) = document.References[family];
            var ids = tokenizer.EncodeToIds(document.Text);
            totalTokens += ids.Count;
            var countOnly = tokenizer.CountTokens(document.Text);
            if (ids.Count != count || DifferentialCorpus.Fnv1a(ids) != hash || countOnly != count)
            {
                failures.Add($"doc {i}: reference {count} tokens, ids {ids.Count}, count-only {countOnly}: {Snippet(document.Text)}");
            }
        }

        Assert.True(documents.Count > 2000, "corpus missing");
        Assert.True(failures.Count == 0, $"{failures.Count} of {documents.Count} documents differ ({totalTokens} tokens):\n" + string.Join("\n", failures.Take(10)));
    }

    private static string Snippet(string text) =>
        text.Length <= 120 ? text.ReplaceLineEndings("⏎") : text[..120].ReplaceLineEndings("⏎") + "…";
}
