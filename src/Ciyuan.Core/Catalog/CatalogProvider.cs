namespace Ciyuan.Core.Catalog;

/// <summary>
/// One way to reach a vendor: a config <c>kind:</c> plus, where the vendor runs several hosts, a
/// region. Fills what a config file leaves out (base URLs, key variable, jurisdiction).
/// </summary>
public sealed record CatalogProvider
{
    /// <summary>Unique id, e.g. <c>dashscope-cn</c>; models refer to it.</summary>
    public required string Id { get; init; }

    /// <summary>The config <c>kind:</c> value, one of <see cref="Configuration.ProviderKinds.All"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Host variant (<c>intl</c>, <c>cn</c>, <c>us</c>…); null when the vendor has one host.</summary>
    public string? Region { get; init; }

    /// <summary>True for the entry <c>FindProvider(kind)</c> returns when no region is asked for.</summary>
    public bool IsDefault { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>OpenAI-dialect base URL (<c>/chat/completions</c> is appended); null when it must come from config.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Anthropic-dialect base URL (<c>/v1/messages</c> is appended); null when the vendor has none.</summary>
    public Uri? AnthropicBaseUrl { get; init; }

    /// <summary>OpenAI Responses base URL (<c>/responses</c> is appended); null unless the vendor's own documentation shows one.</summary>
    public Uri? ResponsesBaseUrl { get; init; }

    /// <summary><c>bearer</c>, <c>x-api-key</c> or <c>none</c>.</summary>
    public required string AuthScheme { get; init; }

    /// <summary>The environment variable that conventionally holds the key; null for self-hosted servers.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Where prompts are processed and whose law applies: <c>cn</c>, <c>sg</c>, <c>us</c>, <c>self-hosted</c>…</summary>
    public required string Jurisdiction { get; init; }

    public string? Source { get; init; }

    public DateOnly? SourceDate { get; init; }
}
