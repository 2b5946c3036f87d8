using System.Collections.Frozen;

namespace Ciyuan.Core.Catalog;

/// <summary>
/// The dated, sourced list of providers and models shipped with Ciyuan (an embedded YAML file),
/// or any catalog parsed from text. Immutable once built, so it is safe to share across threads.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>Name of the embedded resource that holds the built-in catalog.</summary>
    public const string BuiltinResourceName = "Ciyuan.Core.Catalog.catalog.yaml";

    private static readonly Lazy<ModelCatalog> _builtin = new(LoadBuiltin, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FrozenDictionary<string, CatalogProvider> _providersById;
    private readonly FrozenDictionary<string, CatalogProvider> _providersByKindRegion;
    private readonly FrozenDictionary<string, CatalogModel> _modelsByKey;
    private readonly FrozenDictionary<string, CatalogModel[]> _modelsByProvider;

    internal ModelCatalog(DateOnly asOf, IReadOnlyList<CatalogProvider> providers, IReadOnlyList<CatalogModel> models)
    {
        AsOf = asOf;
        Providers = providers;
        Models = models;
        _providersById = providers.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
        _providersByKindRegion = IndexByKindAndRegion(providers);
        _modelsByKey = models.ToFrozenDictionary(m => ModelKey(m.ProviderId, m.Id), StringComparer.Ordinal);
        _modelsByProvider = models
            .GroupBy(m => m.ProviderId, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The catalog shipped inside Ciyuan.Core, parsed and validated on first use.</summary>
    public static ModelCatalog Builtin => _builtin.Value;

    /// <summary>The date the whole file was last checked against its sources.</summary>
    public DateOnly AsOf { get; }

    public IReadOnlyList<CatalogProvider> Providers { get; }

    public IReadOnlyList<CatalogModel> Models { get; }

    /// <summary>Parses and validates catalog YAML; throws <see cref="CatalogException"/> naming the bad path.</summary>
    public static ModelCatalog Parse(string yaml, string sourceName) => CatalogParser.Parse(yaml, sourceName);

    /// <summary>The entry for a config <c>kind:</c> and region; a null region gives the kind's default entry.</summary>
    public CatalogProvider? FindProvider(string kind, string? region = null) =>
        _providersByKindRegion.GetValueOrDefault(KindKey(kind, region));

    public CatalogProvider? FindProviderById(string id) => _providersById.GetValueOrDefault(id);

    public CatalogModel? FindModel(string providerId, string modelId) =>
        _modelsByKey.GetValueOrDefault(ModelKey(providerId, modelId));

    public IEnumerable<CatalogModel> ModelsOf(string providerId) =>
        _modelsByProvider.TryGetValue(providerId, out var models) ? models : [];

    private static FrozenDictionary<string, CatalogProvider> IndexByKindAndRegion(IReadOnlyList<CatalogProvider> providers)
    {
        var index = new Dictionary<string, CatalogProvider>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            index[KindKey(provider.Kind, provider.Region)] = provider;
            if (provider.IsDefault)
            {
                index[KindKey(provider.Kind, null)] = provider;
            }
        }

        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // '\n' cannot occur in an id (the parser rejects control characters), so joined keys are unambiguous.
    private static string KindKey(string kind, string? region) => region is null ? kind : kind + "\n" + region;

    private static string ModelKey(string providerId, string modelId) => providerId + "\n" + modelId;

    private static ModelCatalog LoadBuiltin()
    {
        var assembly = typeof(ModelCatalog).Assembly;
        using var stream = assembly.GetManifestResourceStream(BuiltinResourceName)
            ?? throw new CatalogException($"The built-in catalog resource '{BuiltinResourceName}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "builtin catalog.yaml");
    }
}
