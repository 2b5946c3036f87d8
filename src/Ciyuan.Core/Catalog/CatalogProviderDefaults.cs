using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Catalog;

/// <summary>
/// Lets config loading fill base URLs, key variables and jurisdictions from the catalog
/// (the configuration layer only knows <see cref="IProviderDefaults"/>, not the catalog types).
/// </summary>
public sealed class CatalogProviderDefaults(ModelCatalog catalog) : IProviderDefaults
{
    public static CatalogProviderDefaults Builtin { get; } = new(ModelCatalog.Builtin);

    public ProviderDefaults? Find(string kind, string? region)
    {
        var provider = catalog.FindProvider(kind, region);
        return provider is null
            ? null
            : new ProviderDefaults(provider.Id, provider.BaseUrl, provider.AnthropicBaseUrl, provider.ApiKeyEnv, provider.Jurisdiction)
            {
                ResponsesBaseUrl = provider.ResponsesBaseUrl,
            };
    }

    public IReadOnlyList<string> ModelIds(string providerId) => catalog.ModelsOf(providerId).Select(m => m.Id).ToArray();
}
