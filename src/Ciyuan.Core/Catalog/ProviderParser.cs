using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Catalog;

/// <summary>Reads and checks one entry of <c>providers:</c>.</summary>
internal static class ProviderParser
{
    public static CatalogProvider Parse(YamlMap map)
    {
        var kind = map.RequiredString("kind");
        if (!ProviderKinds.All.Contains(kind))
        {
            throw map.Fail("kind", $"'{kind}' is not a provider kind");
        }

        var authScheme = map.RequiredString("auth");
        if (!CatalogVocabulary.AuthSchemes.Contains(authScheme))
        {
            throw map.Fail("auth", $"'{authScheme}' is not one of bearer, x-api-key, none");
        }

        var provider = new CatalogProvider
        {
            Id = map.RequiredString("id"),
            Kind = kind,
            Region = map.OptionalString("region"),
            IsDefault = map.OptionalBool("default") ?? false,
            DisplayName = map.RequiredString("display_name"),
            BaseUrl = HttpUrl(map, "base_url"),
            AnthropicBaseUrl = HttpUrl(map, "anthropic_base_url"),
            ResponsesBaseUrl = HttpUrl(map, "responses_base_url"),
            AuthScheme = authScheme,
            ApiKeyEnv = map.OptionalString("api_key_env"),
            Jurisdiction = map.RequiredString("jurisdiction"),
            Source = map.OptionalString("source"),
            SourceDate = map.OptionalDate("source_date"),
        };
        map.RejectUnknownKeys();
        return provider;
    }

    private static Uri? HttpUrl(YamlMap map, string key)
    {
        var text = map.OptionalString(key);
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw map.Fail(key, $"'{text}' is not an absolute http(s) URL");
    }
}
