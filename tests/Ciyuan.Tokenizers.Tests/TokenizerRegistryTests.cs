using System.IO.Compression;
using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers.Tests;

public sealed class TokenizerRegistryTests
{
    [Fact]
    public void ExactFamilies_Shared_ListsShippedFamilies()
    {
        Assert.Equal(["cl100k", "deepseek_v3", "o200k", "qwen3"], TokenizerRegistry.Shared.ExactFamilies.Order());
    }

    [Theory]
    [InlineData("kimi_k2")]
    [InlineData("glm")]
    [InlineData("minimax")]
    [InlineData("ernie")]
    [InlineData("no-such-family")]
    public void Get_FamilyWithoutFile_ReturnsFlaggedEstimate(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);

        Assert.False(tokenizer.IsExact);
        Assert.Equal(family, tokenizer.Family);
        Assert.Equal(3, tokenizer.CountTokens("hello world"));     // 11 UTF-8 bytes / 4, rounded up
        Assert.Equal(0, tokenizer.CountTokens(""));
        Assert.Throws<NotSupportedException>(() => tokenizer.EncodeToIds("x"));
    }

    [Theory]
    [InlineData("Qwen2.5", "qwen3")]
    [InlineData("QWEN3", "qwen3")]
    [InlineData("deepseek", "deepseek_v3")]
    [InlineData("o200k_base", "o200k")]
    public void Get_AliasOrCase_ResolvesToFamily(string name, string family)
    {
        Assert.Same(TokenizerRegistry.Shared.Get(family), TokenizerRegistry.Shared.Get(name));
    }

    [Fact]
    public void WithFiles_MissingFile_ThrowsNamingFamily()
    {
        var ex = Assert.Throws<ArgumentException>(() => TokenizerRegistry.Shared.WithFiles(
            new Dictionary<string, TokenizerFileSpec> { ["glm"] = new("does-not-exist.json", "tokenizer.json") }));

        Assert.Contains("tokenizers.glm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithFiles_UnknownFormat_Throws()
    {
        var path = Path.GetTempFileName();
        try
        {
            Assert.Throws<ArgumentException>(() => TokenizerRegistry.Shared.WithFiles(
                new Dictionary<string, TokenizerFileSpec> { ["glm"] = new(path, "sentencepiece") }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithFiles_TokenizerJson_LoadsExactTokenizer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ciyuan-test-{Guid.NewGuid():N}.json");
        try
        {
            using (var compressed = typeof(ITokenizer).Assembly.GetManifestResourceStream("Ciyuan.Tokenizers.qwen3.tokenizer.json.br")!)
            using (var brotli = new BrotliStream(compressed, CompressionMode.Decompress))
            using (var file = File.Create(path))
            {
                brotli.CopyTo(file);
            }

            var registry = TokenizerRegistry.Shared.WithFiles(new Dictionary<string, TokenizerFileSpec> { ["glm"] = new(path, "tokenizer.json") });
            var glm = registry.Get("glm");

            Assert.True(glm.IsExact);
            Assert.Contains("glm", registry.ExactFamilies);
            foreach (var vector in TestData.Vectors.Where(v => v.Family == "qwen3"))
            {
                Assert.Equal(vector.Ids, glm.EncodeToIds(vector.Text));
            }

            Assert.False(TokenizerRegistry.Shared.Get("glm").IsExact);   // the shared registry is unchanged
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithFiles_TiktokenFileWithPattern_MatchesBuiltIn()
    {
        var cl100k = (ExactTokenizer)TokenizerRegistry.Shared.Get("cl100k");
        var path = Path.Combine(Path.GetTempPath(), $"ciyuan-test-{Guid.NewGuid():N}.tiktoken");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                var tokens = cl100k.Model.Tokens;
                for (var id = 0; id < tokens.Count; id++)
                {
                    if (tokens.Contains(id))
                    {
                        writer.Write(Convert.ToBase64String(tokens.Bytes(id)));
                        writer.Write(' ');
                        writer.WriteLine(id);
                    }
                }
            }

            var specials = new Dictionary<string, int> { ["<|endoftext|>"] = 100257 };
            var registry = TokenizerRegistry.Shared.WithFiles(new Dictionary<string, TokenizerFileSpec>
            {
                ["kimi_k2"] = new(path, "tiktoken", Cl100kStylePreTokenizer.Cl100kPattern, specials),
            });
            var custom = registry.Get("kimi_k2");

            Assert.True(custom.IsExact);
            foreach (var vector in TestData.Vectors.Where(v => v.Family == "cl100k"))
            {
                Assert.Equal(vector.Ids, custom.EncodeToIds(vector.Text));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
