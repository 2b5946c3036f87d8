using System.Buffers;
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
        var (buffer, length) = StreamBytes.ReadAll(json);
        try
        {
            return Load(buffer.AsSpan(0, length), family, chat);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The vocabulary and merges (nearly all of the file) are read token by token; the small sections as
    // elements. Merges need the vocabulary, so if they come first the reader is kept and returned to.
    private static ExactTokenizer Load(ReadOnlySpan<byte> utf8, string family, IChatFormat chat)
    {
        var options = new JsonReaderOptions { MaxDepth = 256 };
        var reader = new Utf8JsonReader(utf8, options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("tokenizer.json: the file is not a JSON object.");
        }

        var nfc = false;
        var patterns = new List<string>();
        var added = new List<AddedToken>();
        string? type = null;
        var ignoreMerges = false;
        ByteSequenceTable? tokens = null;
        List<(int, int, int)>? merges = null;
        var mergesAhead = default(Utf8JsonReader);
        var mergesFirst = false;
        var sawModel = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var section = reader.GetString();
            reader.Read();
            switch (section)
            {
                case "normalizer":
                    using (var element = JsonDocument.ParseValue(ref reader))
                    {
                        nfc = ReadNormalizer(element.RootElement);
                    }

                    break;
                case "pre_tokenizer":
                    using (var element = JsonDocument.ParseValue(ref reader))
                    {
                        if (element.RootElement.ValueKind == JsonValueKind.Object)
                        {
                            ReadPreTokenizer(element.RootElement, patterns);
                        }
                    }

                    break;
                case "added_tokens":
                    using (var element = JsonDocument.ParseValue(ref reader))
                    {
                        ReadAddedTokens(element.RootElement, added);
                    }

                    break;
                case "model" when reader.TokenType == JsonTokenType.StartObject:
                    sawModel = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var field = reader.GetString();
                        reader.Read();
                        switch (field)
                        {
                            case "type":
                                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                                break;
                            case "ignore_merges":
                                ignoreMerges = reader.TokenType == JsonTokenType.True;
                                break;
                            case "vocab":
                                tokens = BpeJsonReader.ReadVocab(ref reader);
                                if (mergesFirst)
                                {
                                    merges = BpeJsonReader.ReadMerges(ref mergesAhead, tokens);
                                }

                                break;
                            case "merges" when tokens is not null:
                                merges = BpeJsonReader.ReadMerges(ref reader, tokens);
                                break;
                            case "merges":
                                mergesAhead = reader;
                                mergesFirst = true;
                                reader.Skip();
                                break;
                            default:
                                reader.Skip();
                                break;
                        }
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (!sawModel)
        {
            throw new InvalidDataException("tokenizer.json: the file has no model.");
        }

        if ((type ?? "BPE") != "BPE")
        {
            throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported; only byte-level BPE is.");
        }

        if (tokens is null || merges is null)
        {
            throw new InvalidDataException($"tokenizer.json: the BPE model has no {(tokens is null ? "vocab" : "merges")}.");
        }

        var bpe = new BpeModel(tokens, new PairMergeTable(merges), ignoreMerges);
        return new ExactTokenizer(family, bpe, PreTokenizerFactory.FromSequence(patterns), nfc, added, chat);
    }

    private static void ReadAddedTokens(JsonElement addedTokens, List<AddedToken> added)
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
