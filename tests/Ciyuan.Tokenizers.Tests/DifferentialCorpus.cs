using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Ciyuan.Tokenizers.Tests;

/// <summary>The generated corpus with reference counts and id hashes (see generate-reference.cjs).</summary>
internal static class DifferentialCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusDocument>> s_documents = new(Load);

    public static IReadOnlyList<CorpusDocument> Documents => s_documents.Value;

    public static uint Fnv1a(IEnumerable<int> ids)
    {
        var h = 0x811C9DC5u;
        foreach (var id in ids)
        {
            h ^= (uint)id;
            h *= 0x01000193u;
        }

        return h;
    }

    private static List<CorpusDocument> Load()
    {
        using var file = File.OpenRead(TestData.PathOf("differential.jsonl.br"));
        using var brotli = new BrotliStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(brotli);
        var list = new List<CorpusDocument>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var text = root.TryGetProperty("t", out var t) ? t.GetString()! : FromHex(root.GetProperty("u").GetString()!);
            var references = new Dictionary<string, (int Count, uint Hash)>();
            foreach (var family in new[] { "qwen3", "deepseek_v3", "o200k", "cl100k" })
            {
                var pair = root.GetProperty(family);
                references[family] = (pair[0].GetInt32(), pair[1].GetUInt32());
            }

            list.Add(new CorpusDocument(text, references));
        }

        return list;
    }

    private static string FromHex(string hex)
    {
        var chars = new char[hex.Length / 4];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)ushort.Parse(hex.AsSpan(i * 4, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return new string(chars);
    }
}

internal sealed record CorpusDocument(string Text, IReadOnlyDictionary<string, (int Count, uint Hash)> References);
