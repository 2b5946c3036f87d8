using System.Text;
using Ciyuan.Tokenizers.Normalization;

namespace Ciyuan.Tokenizers.Tests;

public sealed class PropertyTests
{
    private static readonly string[] s_families = ["qwen3", "deepseek_v3", "o200k", "cl100k"];

    // Arbitrary UTF-16: any code point (astral included), unpaired surrogates, controls, combining marks, special-token fragments.
    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(0, 60);
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(10))
            {
                case 0: sb.Append((char)random.Next(0xD800, 0xE000)); break;                  // unpaired (or accidentally paired) surrogate
                case 1: sb.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000))); break;
                case 2: sb.Append((char)random.Next(0, 0x80)); break;
                case 3: sb.Append((char)random.Next(0x300, 0x370)); break;
                case 4: sb.Append(random.Next(2) == 0 ? "<|im_end|>" : "<｜User｜>"); break;
                case 5: sb.Append(' ', random.Next(1, 5)); break;
                default:
                    var c = random.Next(0, 0x10000);
                    sb.Append(c is >= 0xD800 and < 0xE000 ? 'x' : (char)c);
                    break;
            }
        }

        return sb.ToString();
    }

    // What the reference sees: the text converted to UTF-8 (unpaired surrogates -> U+FFFD), NFC for Qwen.
    private static string Expected(string family, string text)
    {
        var wellFormed = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
        if (family != "qwen3")
        {
            return wellFormed;
        }

        // NFC applies between added tokens only.
        var sb = new StringBuilder();
        var rest = wellFormed.AsSpan();
        while (!rest.IsEmpty)
        {
            var index = rest.IndexOf("<|im_end|>");
            var segment = index < 0 ? rest : rest[..index];
            sb.Append(Nfc.Normalize(segment));
            if (index < 0)
            {
                break;
            }

            sb.Append("<|im_end|>");
            rest = rest[(index + "<|im_end|>".Length)..];
        }

        return sb.ToString();
    }

    [Fact]
    public void Decode_EncodeOfArbitraryText_RoundTripsToReferenceText()
    {
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random);
            foreach (var family in s_families)
            {
                var tokenizer = TokenizerRegistry.Shared.Get(family);

                var decoded = tokenizer.Decode(tokenizer.EncodeToIds(text));

                Assert.Equal(Expected(family, text), decoded);
            }
        }
    }

    [Fact]
    public void CountTokens_ArbitraryText_NeverThrowsAndEqualsIdCount()
    {
        var random = new Random(11);
        foreach (var family in s_families.Append("glm"))
        {
            var tokenizer = TokenizerRegistry.Shared.Get(family);
            for (var i = 0; i < 3000; i++)
            {
                var text = RandomText(random);

                var count = tokenizer.CountTokens(text);

                Assert.True(count >= 0);
                if (tokenizer.IsExact)
                {
                    Assert.Equal(tokenizer.EncodeToIds(text).Count, count);
                }
            }
        }
    }

    [Fact]
    public void CountTokens_LongSinglePiece_IsFastAndConsistent()
    {
        var tokenizer = TokenizerRegistry.Shared.Get("qwen3");
        var text = string.Concat(Enumerable.Repeat("大语言模型的分词器需要精确计数", 2000));   // one 30,000-character pre-token

        var started = System.Diagnostics.Stopwatch.StartNew();
        var count = tokenizer.CountTokens(text);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(tokenizer.EncodeToIds(text).Count, count);
        Assert.Equal(text, tokenizer.Decode(tokenizer.EncodeToIds(text)));
    }

    [Fact]
    public void CountTokens_ConcurrentCallers_AgreeWithSingleThread()
    {
        var documents = DifferentialCorpus.Documents.Take(200).ToArray();
        var tokenizer = TokenizerRegistry.Shared.Get("o200k");
        var expected = documents.Select(d => d.References["o200k"].Count).ToArray();

        var results = new int[documents.Length];
        Parallel.For(0, documents.Length * 4, i => results[i % documents.Length] = tokenizer.CountTokens(documents[i % documents.Length].Text));

        Assert.Equal(expected, results);
    }
}
