using System.Runtime.CompilerServices;
using System.Text.Json;
using Ciyuan.Tokenizers.Bpe;

namespace Ciyuan.Tokenizers.Loading;

/// <summary>
/// Reads the vocabulary and merges of a tokenizer.json BPE model straight from its UTF-8 bytes: no document
/// tree, no dictionary of token strings. Tokens are kept as the bytes they stand for, and a merge's parts are
/// looked up by those bytes. A token outside the byte-level alphabet gets no bytes (it can never come out of
/// BPE), and neither can a merge that uses one, so leaving such merges out changes no result.
/// </summary>
internal static class BpeJsonReader
{
    /// <summary>Reads <c>"vocab": {token: id, ...}</c>; the reader is on the object's start and ends on its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ByteSequenceTable ReadVocab(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model.vocab");
        var ids = new List<int>(1 << 17);
        var tokens = new List<byte[]?>(1 << 17);
        var chars = new char[256];
        var maxId = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var token = chars.AsSpan(0, ReadString(ref reader, ref chars));
            reader.Read();
            var id = reader.GetInt32();
            var bytes = new byte[token.Length];
            tokens.Add(ByteLevelAlphabet.TryDecode(token, bytes) ? bytes : null);
            ids.Add(id);
            maxId = Math.Max(maxId, id);
        }

        var tokensById = new byte[]?[maxId + 1];
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] >= 0)
            {
                tokensById[ids[i]] = tokens[i];
            }
        }

        return new ByteSequenceTable(tokensById);
    }

    /// <summary>
    /// Reads <c>"merges": ["a b", ...]</c> or <c>[["a", "b"], ...]</c> into (left, right, merged) ids in rank
    /// order; the reader is on the array's start and ends on its end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<(int Left, int Right, int NewId)> ReadMerges(ref Utf8JsonReader reader, ByteSequenceTable tokens)
    {
        Expect(ref reader, JsonTokenType.StartArray, "model.merges");
        var merges = new List<(int, int, int)>(1 << 17);
        var chars = new char[256];
        var second = new char[256];
        var bytes = new byte[512];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ReadOnlySpan<char> left, right;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Read();
                left = chars.AsSpan(0, ReadString(ref reader, ref chars));
                reader.Read();
                right = second.AsSpan(0, ReadString(ref reader, ref second));
                reader.Read();
                Expect(ref reader, JsonTokenType.EndArray, "model.merges[]");
            }
            else
            {
                ReadOnlySpan<char> text = chars.AsSpan(0, ReadString(ref reader, ref chars));
                var space = text.IndexOf(' ');
                if (space < 0)
                {
                    throw new InvalidDataException($"tokenizer.json: merge '{text}' has no space between its parts.");
                }

                left = text[..space];
                right = text[(space + 1)..];
            }

            if (bytes.Length < left.Length + right.Length)
            {
                bytes = new byte[left.Length + right.Length];
            }

            var joined = bytes.AsSpan(0, left.Length + right.Length);
            if (!ByteLevelAlphabet.TryDecode(left, joined) || !ByteLevelAlphabet.TryDecode(right, joined[left.Length..]))
            {
                continue;
            }

            var l = tokens.Find(joined[..left.Length]);
            var r = tokens.Find(joined[left.Length..]);
            var m = tokens.Find(joined);
            if (l >= 0 && r >= 0 && m >= 0)
            {
                merges.Add((l, r, m));
            }
        }

        return merges;
    }

    // Copies the unescaped string at the reader into a buffer that grows as needed; returns its length.
    private static int ReadString(ref Utf8JsonReader reader, ref char[] buffer)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new InvalidDataException($"tokenizer.json: expected a string, found {reader.TokenType}.");
        }

        var most = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < most)
        {
            buffer = new char[Math.Max(most, buffer.Length * 2)];
        }

        return reader.CopyString(buffer);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string where)
    {
        if (reader.TokenType != type)
        {
            throw new InvalidDataException($"tokenizer.json: {where} should be {type}, found {reader.TokenType}.");
        }
    }
}
