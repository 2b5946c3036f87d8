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
        var bytes = new byte[256];
        var maxId = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var decoded = TryDecodeToken(ref reader, ref chars, ref bytes, out var length);
            reader.Read();
            var id = reader.GetInt32();
            tokens.Add(decoded ? bytes.AsSpan(0, length).ToArray() : null);
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
        var left = new byte[256];
        var right = new byte[256];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            bool decoded;
            int leftLength, rightLength;
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Read();
                decoded = TryDecodeToken(ref reader, ref chars, ref left, out leftLength);
                reader.Read();
                decoded &= TryDecodeToken(ref reader, ref chars, ref right, out rightLength);
                reader.Read();
                Expect(ref reader, JsonTokenType.EndArray, "model.merges[]");
            }
            else
            {
                decoded = TryDecodePair(ref reader, ref chars, ref left, ref right, out leftLength, out rightLength);
            }

            if (!decoded)
            {
                continue;
            }

            var l = tokens.Find(left.AsSpan(0, leftLength));
            var r = tokens.Find(right.AsSpan(0, rightLength));
            if (l < 0 || r < 0)
            {
                continue;
            }

            if (left.Length < leftLength + rightLength)
            {
                Array.Resize(ref left, leftLength + rightLength);
            }

            right.AsSpan(0, rightLength).CopyTo(left.AsSpan(leftLength));
            var m = tokens.Find(left.AsSpan(0, leftLength + rightLength));
            if (m >= 0)
            {
                merges.Add((l, r, m));
            }
        }

        return merges;
    }

    // The bytes a token string at the reader stands for. Strings written without escapes (nearly all) are
    // decoded from the file's own UTF-8; the rest are unescaped first.
    private static bool TryDecodeToken(ref Utf8JsonReader reader, ref char[] chars, ref byte[] bytes, out int length)
    {
        ExpectString(ref reader);
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var utf8 = reader.ValueSpan;
            Reserve(ref bytes, utf8.Length);
            return ByteLevelAlphabet.TryDecodeUtf8(utf8, bytes, out length);
        }

        var text = chars.AsSpan(0, ReadString(ref reader, ref chars));
        Reserve(ref bytes, text.Length);
        length = text.Length;
        return ByteLevelAlphabet.TryDecode(text, bytes);
    }

    // A merge written as one string, "left right" (the space is not in the byte-level alphabet).
    private static bool TryDecodePair(ref Utf8JsonReader reader, ref char[] chars, ref byte[] left, ref byte[] right, out int leftLength, out int rightLength)
    {
        ExpectString(ref reader);
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var utf8 = reader.ValueSpan;
            var space = utf8.IndexOf((byte)' ');
            if (space < 0)
            {
                throw new InvalidDataException($"tokenizer.json: merge '{System.Text.Encoding.UTF8.GetString(utf8)}' has no space between its parts.");
            }

            Reserve(ref left, utf8.Length);
            Reserve(ref right, utf8.Length);
            rightLength = 0;
            return ByteLevelAlphabet.TryDecodeUtf8(utf8[..space], left, out leftLength)
                && ByteLevelAlphabet.TryDecodeUtf8(utf8[(space + 1)..], right, out rightLength);
        }

        ReadOnlySpan<char> text = chars.AsSpan(0, ReadString(ref reader, ref chars));
        var split = text.IndexOf(' ');
        if (split < 0)
        {
            throw new InvalidDataException($"tokenizer.json: merge '{text}' has no space between its parts.");
        }

        Reserve(ref left, text.Length);
        Reserve(ref right, text.Length);
        leftLength = split;
        rightLength = text.Length - split - 1;
        return ByteLevelAlphabet.TryDecode(text[..split], left) && ByteLevelAlphabet.TryDecode(text[(split + 1)..], right);
    }

    private static void Reserve(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
    }

    // Copies the unescaped string at the reader into a buffer that grows as needed; returns its length.
    private static int ReadString(ref Utf8JsonReader reader, ref char[] buffer)
    {
        var most = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < most)
        {
            buffer = new char[Math.Max(most, buffer.Length * 2)];
        }

        return reader.CopyString(buffer);
    }

    private static void ExpectString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new InvalidDataException($"tokenizer.json: expected a string, found {reader.TokenType}.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string where)
    {
        if (reader.TokenType != type)
        {
            throw new InvalidDataException($"tokenizer.json: {where} should be {type}, found {reader.TokenType}.");
        }
    }
}
