using Ciyuan.Core.Catalog;
using Ciyuan.Core.Configuration;

namespace Ciyuan.Hosting;

/// <summary>Provider defaults drawn from the shipped model catalog (base URLs, key variables, jurisdictions, models).</summary>
internal sealed class CatalogProviderDefaults(ModelCatalog catalog) : IProviderDefaults
{
    public static CatalogProviderDefaults Instance { get; } = new(ModelCatalog.Builtin);

    public ProviderDefaults? Find(string kind, string? region) =>
        catalog.FindProvider(kind, region) is { } provider
            ? new ProviderDefaults(provider.Id, provider.BaseUrl, provider.AnthropicBaseUrl, provider.ApiKeyEnv, provider.Jurisdiction)
            : null;

    public IReadOnlyList<string> ModelIds(string providerId) =>
        catalog.ModelsOf(providerId).Select(model => model.Id).ToArray();
}
