using System.Globalization;

namespace Ciyuan.Core.Catalog;

/// <summary>Reads and checks a <c>price:</c> block: currency, source, date and at least one tier.</summary>
internal static class PriceParser
{
    public static PriceSheet Parse(YamlMap map)
    {
        var currency = map.RequiredString("currency");
        if (!CatalogVocabulary.Currencies.Contains(currency))
        {
            throw map.Fail("currency", $"'{currency}' is not one of {string.Join(", ", CatalogVocabulary.Currencies.Order(StringComparer.Ordinal))}");
        }

        var source = map.RequiredString("source");
        var sourceDate = map.RequiredDate("source_date");
        var tierMaps = map.MapList("tiers");
        if (tierMaps.Count == 0)
        {
            throw map.Fail("tiers", "needs at least one tier");
        }

        var tiers = tierMaps.Select(ParseTier).ToArray();
        map.RejectUnknownKeys();
        return new PriceSheet { Currency = currency, Tiers = tiers, Source = source, SourceDate = sourceDate };
    }

    private static PriceTier ParseTier(YamlMap map)
    {
        var maxInput = map.OptionalLong("max_input_tokens");
        if (maxInput is <= 0)
        {
            throw map.Fail("max_input_tokens", "must be > 0");
        }

        var tier = new PriceTier
        {
            MaxInputTokens = maxInput,
            WindowsUtc = map.MapList("windows_utc").Select(ParseWindow).ToArray(),
            Input = NonNegative(map, "input", map.RequiredDecimal("input")),
            CacheHit = NonNegative(map, "cache_hit", map.OptionalDecimal("cache_hit")),
            CacheWrite = NonNegative(map, "cache_write", map.OptionalDecimal("cache_write")),
            Output = NonNegative(map, "output", map.RequiredDecimal("output")),
        };
        map.RejectUnknownKeys();
        return tier;
    }

    private static PriceWindow ParseWindow(YamlMap map)
    {
        var days = map.StringList("days").Select((day, i) =>
            CatalogVocabulary.Days.TryGetValue(day, out var value)
                ? value
                : throw map.Fail($"days[{i}]", $"'{day}' is not one of mon, tue, wed, thu, fri, sat, sun")).ToArray();
        var start = TimeOfDay(map, "from");
        var end = TimeOfDay(map, "to");
        if (end <= start)
        {
            throw map.Fail("to", "must be later than 'from' (split a window that crosses midnight in two)");
        }

        map.RejectUnknownKeys();
        return new PriceWindow { Days = days, Start = start, End = end };
    }

    // "HH:mm" from 00:00 to 24:00; 24:00 lets a window run to the end of the day.
    private static TimeSpan TimeOfDay(YamlMap map, string key)
    {
        var text = map.RequiredString(key);
        if (text == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToTimeSpan()
            : throw map.Fail(key, $"'{text}' must be a UTC time written HH:mm");
    }

    private static decimal NonNegative(YamlMap map, string key, decimal value) =>
        value >= 0 ? value : throw map.Fail(key, "must be >= 0");

    private static decimal? NonNegative(YamlMap map, string key, decimal? value) =>
        value is null ? null : NonNegative(map, key, value.Value);
}
