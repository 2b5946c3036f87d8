using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlTokenizer = Microsoft.ML.Tokenizers.Tokenizer;
using MlBpeOptions = Microsoft.ML.Tokenizers.BpeOptions;
using MlBpeTokenizer = Microsoft.ML.Tokenizers.BpeTokenizer;
using MlRegexPreTokenizer = Microsoft.ML.Tokenizers.RegexPreTokenizer;
using MlTiktokenTokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer;

namespace Ciyuan.Benchmarks.Tokenizers;

/// <summary>
/// The Microsoft.ML.Tokenizers 2.0.1 peers. o200k/cl100k: <c>TiktokenTokenizer.CreateForEncoding</c>.
/// qwen3/deepseek_v3: <c>BpeTokenizer</c> (ByteLevel) fed the same vocab and merges; it has no tokenizer.json
/// loader, no NFC and no multi-stage pre-tokenizer, so qwen3 runs without NFC and deepseek_v3 with only the
/// third split regex; .NET regex also misclassifies astral characters. Inexact peers, same work shape.
/// </summary>
internal static class PeerTokenizers
{
    private const string QwenPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string DeepSeekStage3Pattern =
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    public static MlTokenizer Create(string family) => family switch
    {
        "o200k" => MlTiktokenTokenizer.CreateForEncoding("o200k_base"),
        "cl100k" => MlTiktokenTokenizer.CreateForEncoding("cl100k_base"),
        "qwen3" => CreateBpe("qwen3", QwenPattern),
        "deepseek_v3" => CreateBpe("deepseek_v3", DeepSeekStage3Pattern),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    private static MlBpeTokenizer CreateBpe(string name, string pattern)
    {
        using var compressed = typeof(Ciyuan.Tokenizers.ITokenizer).Assembly.GetManifestResourceStream($"Ciyuan.Tokenizers.{name}.tokenizer.json.br")!;
        using var json = new BrotliStream(compressed, CompressionMode.Decompress);
        using var document = JsonDocument.Parse(json);
        var model = document.RootElement.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetInt32())).ToList();
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? m[0].GetString() + " " + m[1].GetString() : m.GetString()!)
            .ToList();
        var special = document.RootElement.GetProperty("added_tokens").EnumerateArray()
            .ToDictionary(t => t.GetProperty("content").GetString()!, t => t.GetProperty("id").GetInt32());
        return MlBpeTokenizer.Create(new MlBpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = special,
            PreTokenizer = new MlRegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special),
        });
    }
}
