using System.Collections.Concurrent;
using System.Collections.Frozen;
using Ciyuan.Tokenizers.Chat;
using Ciyuan.Tokenizers.Loading;
using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers;

/// <summary>
/// Maps a family name to its tokenizer. Built-in families (<c>qwen3</c>, <c>deepseek_v3</c>, <c>o200k</c>,
/// <c>cl100k</c>) load lazily, once, on first use, and are shared by every registry. Other families use
/// user-supplied files (<see cref="WithFiles"/>) or fall back to the flagged <see cref="TokenEstimator"/>.
/// Thread-safe.
/// </summary>
public sealed class TokenizerRegistry
{
    private static readonly FrozenDictionary<string, Lazy<ITokenizer>> s_builtIn = new Dictionary<string, Lazy<ITokenizer>>
    {
        [TokenizerFamilies.Qwen3] = new(BuiltInTokenizers.LoadQwen3),
        [TokenizerFamilies.DeepSeekV3] = new(BuiltInTokenizers.LoadDeepSeekV3),
        [TokenizerFamilies.O200k] = new(BuiltInTokenizers.LoadO200k),
        [TokenizerFamilies.Cl100k] = new(BuiltInTokenizers.LoadCl100k),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> s_aliases = new Dictionary<string, string>
    {
        ["qwen"] = TokenizerFamilies.Qwen3,
        ["qwen2"] = TokenizerFamilies.Qwen3,
        ["qwen2.5"] = TokenizerFamilies.Qwen3,
        ["qwen2_5"] = TokenizerFamilies.Qwen3,
        ["deepseek"] = TokenizerFamilies.DeepSeekV3,
        ["deepseek_r1"] = TokenizerFamilies.DeepSeekV3,
        ["o200k_base"] = TokenizerFamilies.O200k,
        ["cl100k_base"] = TokenizerFamilies.Cl100k,
        ["kimi"] = TokenizerFamilies.KimiK2,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<TokenizerRegistry> s_shared = new(() => new TokenizerRegistry(s_builtIn));

    private readonly FrozenDictionary<string, Lazy<ITokenizer>> _exact;
    private readonly ConcurrentDictionary<string, TokenEstimator> _estimates = new(StringComparer.OrdinalIgnoreCase);

    private TokenizerRegistry(FrozenDictionary<string, Lazy<ITokenizer>> exact) => _exact = exact;

    /// <summary>The built-in families; each loads on first <see cref="Get"/>.</summary>
    public static TokenizerRegistry Shared => s_shared.Value;

    /// <summary>Families with an exact tokenizer (built-in or user-supplied).</summary>
    public IReadOnlyCollection<string> ExactFamilies => _exact.Keys;

    /// <summary>
    /// A registry with this one's families plus <paramref name="userFiles"/> (family → file); a user file for a
    /// built-in family replaces it (e.g. a DeepSeek R1 tokenizer.json for <c>deepseek_v3</c>). Files load lazily;
    /// paths and formats are validated now.
    /// </summary>
    /// <exception cref="ArgumentException">A file is missing or its format or pattern is unknown; the message names the family.</exception>
    public TokenizerRegistry WithFiles(IReadOnlyDictionary<string, TokenizerFileSpec> userFiles)
    {
        ArgumentNullException.ThrowIfNull(userFiles);
        var map = new Dictionary<string, Lazy<ITokenizer>>(_exact, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, spec) in userFiles)
        {
            var family = Canonical(name);
            Validate(family, spec);
            map[family] = new Lazy<ITokenizer>(() => LoadUserFile(family, spec));
        }

        return new TokenizerRegistry(map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The tokenizer for <paramref name="family"/>; unknown families get the <see cref="TokenEstimator"/>
    /// (<see cref="ITokenizer.IsExact"/> false). Throws only when a configured file cannot be loaded.
    /// </summary>
    public ITokenizer Get(string family)
    {
        var name = Canonical(family ?? "");
        return _exact.TryGetValue(name, out var lazy) ? lazy.Value : _estimates.GetOrAdd(name, static n => new TokenEstimator(n));
    }

    private static string Canonical(string family)
    {
        var trimmed = family.Trim().ToLowerInvariant();
        return s_aliases.TryGetValue(trimmed, out var target) ? target : trimmed;
    }

    private static void Validate(string family, TokenizerFileSpec spec)
    {
        if (spec is null || string.IsNullOrWhiteSpace(spec.Path))
        {
            throw new ArgumentException($"tokenizers.{family}: path is required.");
        }

        if (!File.Exists(spec.Path))
        {
            throw new ArgumentException($"tokenizers.{family}: file '{spec.Path}' does not exist.");
        }

        if (spec.Format != TokenizerFileSpec.TokenizerJsonFormat && spec.Format != TokenizerFileSpec.TiktokenFormat)
        {
            throw new ArgumentException($"tokenizers.{family}: format '{spec.Format}' is unknown (use '{TokenizerFileSpec.TokenizerJsonFormat}' or '{TokenizerFileSpec.TiktokenFormat}').");
        }

        if (spec.Format == TokenizerFileSpec.TiktokenFormat && spec.Pattern is not null)
        {
            try
            {
                PreTokenizerFactory.FromPattern(spec.Pattern);
            }
            catch (NotSupportedException ex)
            {
                throw new ArgumentException($"tokenizers.{family}: pattern is not supported: {ex.Message}", ex);
            }
        }
    }

    private static ITokenizer LoadUserFile(string family, TokenizerFileSpec spec)
    {
        IChatFormat chat = family switch
        {
            TokenizerFamilies.Qwen3 => new QwenChatFormat(),
            TokenizerFamilies.DeepSeekV3 => new DeepSeekV3ChatFormat(),
            TokenizerFamilies.O200k or TokenizerFamilies.Cl100k => new OpenAIChatFormat(),
            _ => new GenericChatFormat(),
        };
        using var stream = File.OpenRead(spec.Path);
        if (spec.Format == TokenizerFileSpec.TokenizerJsonFormat)
        {
            return TokenizerJsonLoader.Load(stream, family, chat);
        }

        var pattern = spec.Pattern ?? (family == TokenizerFamilies.KimiK2 ? O200kStylePreTokenizer.KimiPattern : O200kStylePreTokenizer.O200kPattern);
        return TiktokenLoader.Load(stream, family, pattern, spec.SpecialTokens ?? new Dictionary<string, int>(), chat);
    }
}
