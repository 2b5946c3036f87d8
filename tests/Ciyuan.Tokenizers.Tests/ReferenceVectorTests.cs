namespace Ciyuan.Tokenizers.Tests;

public sealed class ReferenceVectorTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        var vectors = TestData.Vectors;
        for (var i = 0; i < vectors.Count; i++)
        {
            data.Add(vectors[i].Family, i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeToIds_ReferenceVector_MatchesReferenceIds(string family, int index)
    {
        var vector = TestData.Vectors[index];
        var tokenizer = TokenizerRegistry.Shared.Get(family);

        var ids = tokenizer.EncodeToIds(vector.Text);

        Assert.True(vector.Ids.SequenceEqual(ids), $"{vector.Tag}: expected [{string.Join(", ", vector.Ids)}] got [{string.Join(", ", ids)}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CountTokens_ReferenceVector_EqualsReferenceIdCount(string family, int index)
    {
        var vector = TestData.Vectors[index];

        var count = TokenizerRegistry.Shared.Get(family).CountTokens(vector.Text);

        Assert.Equal(vector.Ids.Length, count);
    }

    [Fact]
    public void Vectors_AllFamilies_Present()
    {
        var families = TestData.Vectors.Select(v => v.Family).ToHashSet();

        Assert.Equal(["cl100k", "deepseek_v3", "o200k", "qwen3"], families.Order());
    }
}
