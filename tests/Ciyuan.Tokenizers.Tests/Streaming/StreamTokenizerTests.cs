using System.Text;
using System.Threading.Channels;
using Ciyuan.Tokenizers.Streaming;

namespace Ciyuan.Tokenizers.Tests.Streaming;

public sealed class StreamTokenizerTests
{
    // A prime block size puts block ends everywhere: inside multi-byte characters, words and whitespace runs.
    private const int OddBlock = 4093;

    public static TheoryData<string> Families => ["qwen3", "deepseek_v3", "o200k", "cl100k"];

    [Fact]
    public void Corpus_OddBlocks_EndInsideCharactersWordsAndWhitespaceRuns()
    {
        var bytes = StreamingCorpus.Bytes;
        int insideCharacter = 0, insideWord = 0, insideWhitespace = 0;
        for (var end = OddBlock; end < bytes.Length - 4; end += OddBlock)
        {
            if ((bytes[end] & 0xC0) == 0x80)
            {
                insideCharacter++;
                continue;
            }

            var before = (char)bytes[end - 1];
            var after = (char)bytes[end];
            insideWord += char.IsAsciiLetter(before) && char.IsAsciiLetter(after) ? 1 : 0;
            insideWhitespace += before is ' ' or '\n' or '\t' && after is ' ' or '\n' or '\t' ? 1 : 0;
        }

        Assert.True(bytes.Length > 4_000_000, "corpus missing");
        Assert.True(insideCharacter > 50 && insideWord > 50 && insideWhitespace > 5, $"{insideCharacter} / {insideWord} / {insideWhitespace}");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task CountAsync_CorpusInOddBlocksFromATrickle_EqualsOneCall(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);
        var expected = tokenizer.CountTokens(StreamingCorpus.Text);

        var count = await StreamTokenizer.CountAsync(
            new TrickleStream(StreamingCorpus.Bytes, maxRead: 9000, seed: 1), Task.FromResult(tokenizer),
            new StreamTokenizerOptions { BlockBytes = OddBlock, ReadAheadBlocks = 3, Parallelism = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(expected, count);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task EncodeAsync_CorpusInBlocks_EqualsOneCallIdForId(string family)
    {
        var tokenizer = TokenizerRegistry.Shared.Get(family);
        var expected = tokenizer.EncodeToIds(StreamingCorpus.Text);
        var ids = new List<int>();
        var chunks = 0;

        await StreamTokenizer.EncodeAsync(
            new MemoryStream(StreamingCorpus.Bytes), Task.FromResult(tokenizer), (chunk, _) =>
            {
                ids.AddRange(chunk);
                chunks++;
                return ValueTask.CompletedTask;
            },
            new StreamTokenizerOptions { BlockBytes = 65_537, Parallelism = 2 }, TestContext.Current.CancellationToken);

        Assert.True(chunks > 30, $"{chunks} chunks");
        Assert.Equal(expected.Count, ids.Count);
        Assert.True(expected.SequenceEqual(ids), "ids differ");
    }

    [Fact]
    public async Task ChunksAsync_CorpusInOddBlocks_JoinToTheTextAndEndAtSafeCuts()
    {
        var tokenizer = TokenizerRegistry.Shared.Get("qwen3");
        var blocks = Channel.CreateUnbounded<TextChunk>();
        Utf8BlockReader.Run(new TrickleStream(StreamingCorpus.Bytes, maxRead: 700, seed: 2), OddBlock, blocks.Writer, TestContext.Current.CancellationToken);
        var joined = new StringBuilder();
        var ends = new List<int>();

        await foreach (var chunk in SafeCutChunker.ChunksAsync(tokenizer, blocks.Reader, TestContext.Current.CancellationToken))
        {
            joined.Append(chunk.Text);
            ends.Add(joined.Length);
            chunk.Return();
        }

        var text = StreamingCorpus.Text;
        Assert.Equal(text, joined.ToString());
        Assert.True(ends.Count > 500, $"{ends.Count} chunks");
        foreach (var end in ends[..^1])
        {
            Assert.True(text[end - 1] == '\n' && (char.IsAsciiLetter(text[end]) || text[end] is >= '\u4E00' and <= '\u9FFF'), $"chunk ends at {end}");
        }
    }

    [Fact]
    public async Task CountAsync_Estimate_CountsTheWholeAsOne()
    {
        var tokenizer = TokenizerRegistry.Shared.Get("glm");

        var count = await StreamTokenizer.CountAsync(
            new MemoryStream(StreamingCorpus.Bytes), Task.FromResult(tokenizer), new StreamTokenizerOptions { BlockBytes = OddBlock }, TestContext.Current.CancellationToken);

        Assert.Equal(tokenizer.CountTokens(StreamingCorpus.Text), count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFFa byte order mark is text")]
    [InlineData("one line, no line feed")]
    [InlineData("\n\n\n")]
    public async Task CountAsync_ShortInput_EqualsOneCall(string text)
    {
        var tokenizer = TokenizerRegistry.Shared.Get("qwen3");

        var count = await StreamTokenizer.CountAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), Task.FromResult(tokenizer), null, TestContext.Current.CancellationToken);

        Assert.Equal(tokenizer.CountTokens(text), count);
    }

    [Fact]
    public async Task CountAsync_ReadFailsMidway_ThrowsTheReadError()
    {
        var stream = new TrickleStream(StreamingCorpus.Bytes, maxRead: 50_000, seed: 3, failAt: 1_000_000);

        var ex = await Assert.ThrowsAsync<IOException>(() => StreamTokenizer.CountAsync(
            stream, Task.FromResult(TokenizerRegistry.Shared.Get("o200k")), new StreamTokenizerOptions { BlockBytes = 100_000 }, TestContext.Current.CancellationToken));

        Assert.Equal("the disk went away", ex.Message);
    }

    [Fact]
    public async Task CountAsync_TokenizerFailsToLoad_ThrowsItsError()
    {
        var failed = Task.FromException<ITokenizer>(new ArgumentException("tokenizers.glm: file 'x' does not exist."));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => StreamTokenizer.CountAsync(
            new MemoryStream(StreamingCorpus.Bytes), failed, null, TestContext.Current.CancellationToken));

        Assert.Contains("tokenizers.glm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodeAsync_ConsumerFails_StopsAndThrowsItsError()
    {
        var calls = 0;

        await Assert.ThrowsAsync<IOException>(() => StreamTokenizer.EncodeAsync(
            new MemoryStream(StreamingCorpus.Bytes), Task.FromResult(TokenizerRegistry.Shared.Get("cl100k")),
            (_, _) => ++calls == 2 ? throw new IOException("broken pipe") : ValueTask.CompletedTask,
            new StreamTokenizerOptions { BlockBytes = OddBlock }, TestContext.Current.CancellationToken));

        Assert.Equal(2, calls);
    }
}
