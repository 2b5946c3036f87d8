using System.Text.Json;
using Ciyuan.Tokenizers.Bpe;
using Ciyuan.Tokenizers.Chat;
using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers.Loading;

/// <summary>
/// Loads a Hugging Face <c>tokenizer.json</c> holding a byte-level BPE model: normalizer (none, NFC, Sequence),
/// pre-tokenizer (Split regexes, ByteLevel, Sequence), BPE vocab + merges, added tokens.
/// </summary>
internal static class TokenizerJsonLoader
{
    public static ExactTokenizer Load(Stream json, string family, IChatFormat chat)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var root = document.RootElement;
        var nfc = false;
        if (root.TryGetProperty("normalizer", out var normalizer))
        {
            nfc = ReadNormalizer(normalizer);
        }

        var patterns = new List<string>();
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object)
        {
            ReadPreTokenizer(pre, patterns);
        }

        var model = root.GetProperty("model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported; only byte-level BPE is.");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            var id = entry.Value.GetInt32();
            vocab[entry.Name] = id;
            maxId = Math.Max(maxId, id);
        }

        var tokensById = new byte[]?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            // Entries outside the byte-level alphabet (DeepSeek lists a few added tokens in its vocab) can never
            // come out of BPE; they are matched and decoded as added tokens.
            if (ByteLevelAlphabet.TryDecode(token, out var bytes))
            {
                tokensById[id] = bytes;
            }
        }

        var merges = new List<(int, int, int)>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            string left, right;
            if (merge.ValueKind == JsonValueKind.Array)
            {
                left = merge[0].GetString()!;
                right = merge[1].GetString()!;
            }
            else
            {
                var text = merge.GetString()!;
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                left = text[..space];
                right = text[(space + 1)..];
            }

            if (vocab.TryGetValue(left, out var l) && vocab.TryGetValue(right, out var r) && vocab.TryGetValue(left + right, out var m))
            {
                merges.Add((l, r, m));
            }
        }

        var ignoreMerges = model.TryGetProperty("ignore_merges", out var im) && im.ValueKind == JsonValueKind.True;
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedTokens))
        {
            foreach (var token in addedTokens.EnumerateArray())
            {
                added.Add(new AddedToken(
                    token.GetProperty("id").GetInt32(),
                    token.GetProperty("content").GetString()!,
                    token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True,
                    token.TryGetProperty("normalized", out var n) && n.ValueKind == JsonValueKind.True));
            }
        }

        var bpe = new BpeModel(new ByteSequenceTable(tokensById), new PairMergeTable(merges), ignoreMerges);
        return new ExactTokenizer(family, bpe, PreTokenizerFactory.FromSequence(patterns), nfc, added, chat);
    }

    // Returns whether NFC applies; throws for normalizers that change text in other ways.
    private static bool ReadNormalizer(JsonElement normalizer)
    {
        if (normalizer.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var type = normalizer.GetProperty("type").GetString();
        switch (type)
        {
            case "NFC":
                return true;
            case "Sequence":
                var nfc = false;
                foreach (var inner in normalizer.GetProperty("normalizers").EnumerateArray())
                {
                    nfc |= ReadNormalizer(inner);
                }

                return nfc;
            default:
                throw new NotSupportedException($"tokenizer.json normalizer '{type}' is not supported (supported: NFC, Sequence).");
        }
    }

    private static void ReadPreTokenizer(JsonElement pre, List<string> patterns)
    {
        var type = pre.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in pre.GetProperty("pretokenizers").EnumerateArray())
                {
                    ReadPreTokenizer(inner, patterns);
                }

                break;
            case "Split":
                var behavior = pre.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
                var invert = pre.TryGetProperty("invert", out var i) && i.ValueKind == JsonValueKind.True;
                // "Removed" + invert keeps only the matches; every supported pattern matches all of its input, so
                // that is the same as Isolated (the OpenAI-converted tokenizer.json files use it).
                if (!(behavior == "Isolated" && !invert) && !(behavior == "Removed" && invert))
                {
                    throw new NotSupportedException($"Split behavior '{behavior}' (invert: {invert}) is not supported; only Isolated is.");
                }

                var pattern = pre.GetProperty("pattern");
                patterns.Add(pattern.TryGetProperty("Regex", out var regex)
                    ? regex.GetString()!
                    : System.Text.RegularExpressions.Regex.Escape(pattern.GetProperty("String").GetString()!));
                break;
            case "ByteLevel":
                if (pre.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.True)
                {
                    throw new NotSupportedException("ByteLevel add_prefix_space: true is not supported.");
                }

                if (!pre.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind == JsonValueKind.True)
                {
                    patterns.Add(PreTokenizerFactory.Gpt2Pattern);
                }

                break;
            default:
                throw new NotSupportedException($"tokenizer.json pre-tokenizer '{type}' is not supported (supported: Split, ByteLevel, Sequence).");
        }
    }
}
