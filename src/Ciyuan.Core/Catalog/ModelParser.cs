namespace Ciyuan.Core.Catalog;

/// <summary>Reads and checks one entry of <c>models:</c>.</summary>
internal static class ModelParser
{
    public static CatalogModel Parse(YamlMap map)
    {
        var family = map.OptionalString("family");
        if (family is not null && !CatalogVocabulary.Families.Contains(family))
        {
            throw map.Fail("family", $"'{family}' is not a tokenizer family (use null when unknown)");
        }

        var modalities = map.StringList("modalities");
        for (var i = 0; i < modalities.Count; i++)
        {
            if (!CatalogVocabulary.Modalities.Contains(modalities[i]))
            {
                throw map.Fail($"modalities[{i}]", $"'{modalities[i]}' is not one of text, image, video, audio");
            }
        }

        var priceMap = map.OptionalMap("price");
        var model = new CatalogModel
        {
            ProviderId = map.RequiredString("provider"),
            Id = map.RequiredString("id"),
            DisplayName = map.OptionalString("display_name"),
            Family = family,
            ContextWindow = Positive(map, "context_window"),
            MaxOutput = Positive(map, "max_output"),
            ParamsTotalB = PositiveDecimal(map, "params_total_b"),
            ParamsActiveB = PositiveDecimal(map, "params_active_b"),
            License = map.OptionalString("license"),
            OpenWeights = map.OptionalBool("open_weights"),
            Modalities = modalities,
            SupportsTools = map.OptionalBool("tools"),
            SupportsReasoning = map.OptionalBool("reasoning"),
            Price = priceMap is null ? null : PriceParser.Parse(priceMap),
            Source = map.RequiredString("source"),
            SourceDate = map.RequiredDate("source_date"),
        };

        if (model.ParamsActiveB > model.ParamsTotalB)
        {
            throw map.Fail("params_active_b", "must not exceed params_total_b");
        }

        if (model.MaxOutput > model.ContextWindow)
        {
            throw map.Fail("max_output", "must not exceed context_window");
        }

        map.RejectUnknownKeys();
        return model;
    }

    private static long? Positive(YamlMap map, string key)
    {
        var value = map.OptionalLong(key);
        return value is null or > 0 ? value : throw map.Fail(key, "must be > 0");
    }

    private static decimal? PositiveDecimal(YamlMap map, string key)
    {
        var value = map.OptionalDecimal(key);
        return value is null or > 0 ? value : throw map.Fail(key, "must be > 0");
    }
}
