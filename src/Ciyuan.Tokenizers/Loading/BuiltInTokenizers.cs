using System.IO.Compression;
using Ciyuan.Tokenizers.Chat;
using Ciyuan.Tokenizers.PreTokenization;
using System.Reflection;

namespace Ciyuan.Tokenizers.Loading;

/// <summary>
/// The families shipped with Ciyuan: Qwen3 and DeepSeek V3 tokenizer.json files embedded brotli-compressed,
/// o200k_base and cl100k_base rank files from the MIT-licensed Microsoft.ML.Tokenizers.Data packages.
/// </summary>
internal static class BuiltInTokenizers
{
    public static readonly IReadOnlyDictionary<string, int> O200kSpecialTokens = new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 199999,
        ["<|endofprompt|>"] = 200018,
    };

    public static readonly IReadOnlyDictionary<string, int> Cl100kSpecialTokens = new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 100257,
        ["<|fim_prefix|>"] = 100258,
        ["<|fim_middle|>"] = 100259,
        ["<|fim_suffix|>"] = 100260,
        ["<|endofprompt|>"] = 100276,
    };

    public static ExactTokenizer LoadQwen3() => LoadEmbeddedJson("qwen3", TokenizerFamilies.Qwen3, new QwenChatFormat());

    public static ExactTokenizer LoadDeepSeekV3() => LoadEmbeddedJson("deepseek_v3", TokenizerFamilies.DeepSeekV3, new DeepSeekV3ChatFormat());

    public static ExactTokenizer LoadO200k() => LoadDataPackage(
        "Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate", TokenizerFamilies.O200k,
        O200kStylePreTokenizer.O200kPattern, O200kSpecialTokens);

    public static ExactTokenizer LoadCl100k() => LoadDataPackage(
        "Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate", TokenizerFamilies.Cl100k,
        Cl100kStylePreTokenizer.Cl100kPattern, Cl100kSpecialTokens);

    private static ExactTokenizer LoadEmbeddedJson(string name, string family, IChatFormat chat)
    {
        var resource = $"Ciyuan.Tokenizers.{name}.tokenizer.json.br";
        using var compressed = typeof(BuiltInTokenizers).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var json = new BrotliStream(compressed, CompressionMode.Decompress);
        return TokenizerJsonLoader.Load(json, family, chat);
    }

    private static ExactTokenizer LoadDataPackage(
        string assemblyName, string resource, string family, string pattern, IReadOnlyDictionary<string, int> specials)
    {
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        using var compressed = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Resource {resource} is missing from {assemblyName}.");
        using var ranks = new DeflateStream(compressed, CompressionMode.Decompress);
        return TiktokenLoader.Load(ranks, family, pattern, specials, new OpenAIChatFormat());
    }
}
