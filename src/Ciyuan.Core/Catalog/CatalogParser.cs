using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.Core.Catalog;

/// <summary>
/// Turns catalog YAML into a validated <see cref="ModelCatalog"/>: each entry is checked where it
/// is read, then the cross-entry rules (unique ids, known providers, one default per kind).
/// </summary>
internal static class CatalogParser
{
    public static ModelCatalog Parse(string yaml, string sourceName)
    {
        var root = YamlMap.From(Load(yaml, sourceName), string.Empty, sourceName);
        var asOf = root.RequiredDate("as_of");
        var providerMaps = root.MapList("providers");
        var modelMaps = root.MapList("models");
        root.RejectUnknownKeys();

        var providers = providerMaps.Select(ProviderParser.Parse).ToList();
        CheckProviders(providers, providerMaps);
        var models = modelMaps.Select(ModelParser.Parse).ToArray();
        CheckModels(models, modelMaps, providers);
        return new ModelCatalog(asOf, providers, models);
    }

    private static YamlNode Load(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new CatalogException(sourceName, string.Empty, $"not valid YAML: {ex.Message}", ex.Start.Line);
        }

        return stream.Documents.Count == 1
            ? stream.Documents[0].RootNode
            : throw new CatalogException(sourceName, string.Empty, "must hold exactly one YAML document");
    }

    private static void CheckProviders(List<CatalogProvider> providers, IReadOnlyList<YamlMap> maps)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var variants = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[i];
            if (!ids.Add(provider.Id))
            {
                throw maps[i].Fail("id", $"'{provider.Id}' is listed twice");
            }

            if (!variants.Add(provider.Kind + "/" + provider.Region))
            {
                throw maps[i].Fail("region", $"kind '{provider.Kind}' already has an entry for region '{provider.Region ?? "null"}'");
            }
        }

        // A kind with one entry is its own default; a kind with several must name exactly one,
        // and every other entry must carry a region so that it can be asked for by name.
        foreach (var group in providers.Select((p, i) => (p, i)).GroupBy(e => e.p.Kind, StringComparer.Ordinal))
        {
            var entries = group.ToList();
            if (entries.Count == 1)
            {
                providers[entries[0].i] = entries[0].p with { IsDefault = true };
                continue;
            }

            var defaults = entries.Count(e => e.p.IsDefault);
            if (defaults != 1)
            {
                throw maps[entries[^1].i].Fail("default", $"kind '{group.Key}' has {entries.Count} entries and needs exactly one 'default: true', found {defaults}");
            }

            var unnamed = entries.FirstOrDefault(e => e.p.Region is null && !e.p.IsDefault);
            if (unnamed.p is not null)
            {
                throw maps[unnamed.i].Fail("region", $"is required because kind '{group.Key}' has several entries");
            }
        }
    }

    private static void CheckModels(CatalogModel[] models, IReadOnlyList<YamlMap> maps, List<CatalogProvider> providers)
    {
        var providerIds = providers.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < models.Length; i++)
        {
            var model = models[i];
            if (!providerIds.Contains(model.ProviderId))
            {
                throw maps[i].Fail("provider", $"'{model.ProviderId}' is not a provider id in this catalog");
            }

            if (!keys.Add(model.ProviderId + "\n" + model.Id))
            {
                throw maps[i].Fail("id", $"'{model.Id}' is listed twice for provider '{model.ProviderId}'");
            }
        }
    }
}
