namespace Ciyuan.Core.Configuration;

/// <summary>
/// What the catalog knows about a provider kind, used to fill what a config file leaves out
/// (base URL, API-key variable, jurisdiction) and to serve catalog models by name.
/// </summary>
public interface IProviderDefaults
{
    ProviderDefaults? Find(string kind, string? region);

    /// <summary>Model ids the catalog lists for a provider entry, served under their own names.</summary>
    IReadOnlyList<string> ModelIds(string providerId);
}

public sealed record ProviderDefaults(string Id, Uri? BaseUrl, Uri? AnthropicBaseUrl, string? ApiKeyEnv, string Jurisdiction)
{
    /// <summary>The vendor's OpenAI Responses base, where the catalog has verified one.</summary>
    public Uri? ResponsesBaseUrl { get; init; }
}
