using Ciyuan.Core.Configuration;

namespace Ciyuan.Hosting;

/// <summary>Provider defaults drawn from the shipped model catalog.</summary>
internal sealed class CatalogProviderDefaults : IProviderDefaults
{
    public static CatalogProviderDefaults Instance { get; } = new();

    public ProviderDefaults? Find(string kind, string? region) => null;

    public IReadOnlyList<string> ModelIds(string providerId) => [];
}
