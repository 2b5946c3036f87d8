using System.Collections.Frozen;

namespace Ciyuan.Core.Catalog;

/// <summary>The closed sets of words the catalog file may use, so a misspelling fails at load, not at billing.</summary>
internal static class CatalogVocabulary
{
    /// <summary>Tokenizer families the tokenizer project knows; anything else must be null.</summary>
    public static FrozenSet<string> Families { get; } = new[]
    {
        "qwen3", "deepseek_v3", "o200k", "cl100k", "kimi_k2", "glm", "minimax", "ernie", "doubao", "stepfun", "claude",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> Currencies { get; } = new[] { Metering.Currencies.Usd, Metering.Currencies.Cny }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> AuthSchemes { get; } = new[] { "bearer", "x-api-key", "none" }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenSet<string> Modalities { get; } = new[] { "text", "image", "video", "audio" }.ToFrozenSet(StringComparer.Ordinal);

    public static FrozenDictionary<string, DayOfWeek> Days { get; } = new Dictionary<string, DayOfWeek>(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday,
        ["tue"] = DayOfWeek.Tuesday,
        ["wed"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday,
        ["sat"] = DayOfWeek.Saturday,
        ["sun"] = DayOfWeek.Sunday,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
