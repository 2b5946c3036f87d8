using Ciyuan.Core.Catalog;

namespace Ciyuan.Core.Tests.Catalog;

public sealed class CatalogParserTests
{
    private const string Valid = """
        as_of: 2026-11-01
        providers:
          - id: acme
            kind: openai-compatible
            display_name: Acme
            base_url: https://acme.example/v1
            auth: bearer
            jurisdiction: us
        models:
          - provider: acme
            id: m1
            source: test
            source_date: 2026-10-01
            price:
              currency: USD
              source: test
              source_date: 2026-10-01
              tiers:
                - { input: 1, output: 2 }
        """;

    [Fact]
    public void Parse_ValidYaml_BuildsCatalog()
    {
        var catalog = ModelCatalog.Parse(Valid, "test.yaml");

        Assert.Equal(new DateOnly(2026, 11, 1), catalog.AsOf);
        var provider = Assert.Single(catalog.Providers);
        Assert.True(provider.IsDefault);
        Assert.Same(provider, catalog.FindProvider("openai-compatible"));
        var model = catalog.FindModel("acme", "m1");
        Assert.NotNull(model);
        Assert.Equal(2m, model.Price!.Tiers[0].Output);
    }

    [Fact]
    public void Parse_UnknownModelKey_NamesThePath()
    {
        var yaml = Valid.Replace("    id: m1", "    id: m1\n    contxt_window: 5", StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("models[0].contxt_window: unknown key", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.yaml: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("models[0].contxt_window", ex.Path);
    }

    [Fact]
    public void Parse_UnknownTierKey_NamesTheNestedPath()
    {
        var yaml = Valid.Replace("{ input: 1, output: 2 }", "{ input: 1, ouput: 2, output: 2 }", StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("models[0].price.tiers[0].ouput: unknown key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownRootKey_IsRejected()
    {
        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse("extra: 1\n" + Valid, "test.yaml"));

        Assert.Contains("extra: unknown key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NegativeOutputPrice_NamesThePath()
    {
        var yaml = Valid.Replace("output: 2", "output: -2", StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("models[0].price.tiers[0].output: must be >= 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModelWithoutSourceDate_IsRejected()
    {
        var yaml = Valid.Replace("    source_date: 2026-10-01\n    price:", "    price:", StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("models[0].source_date: is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PriceWithoutCurrency_IsRejected()
    {
        var yaml = Valid.Replace("      currency: USD\n", string.Empty, StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("models[0].price.currency: is required", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("currency: USD", "currency: EUR", "models[0].price.currency")]
    [InlineData("kind: openai-compatible", "kind: openai-ish", "providers[0].kind")]
    [InlineData("    id: m1", "    id: m1\n    family: gpt9", "models[0].family")]
    [InlineData("    id: m1", "    id: m1\n    modalities: [text, smell]", "models[0].modalities[1]")]
    [InlineData("source_date: 2026-10-01\n    price", "source_date: 01/10/2026\n    price", "models[0].source_date")]
    [InlineData("base_url: https://acme.example/v1", "base_url: acme.example", "providers[0].base_url")]
    [InlineData("provider: acme", "provider: nobody", "models[0].provider")]
    [InlineData("{ input: 1, output: 2 }", "{ max_input_tokens: 0, input: 1, output: 2 }", "models[0].price.tiers[0].max_input_tokens")]
    [InlineData("{ input: 1, output: 2 }", "{ input: one, output: 2 }", "models[0].price.tiers[0].input")]
    [InlineData("{ input: 1, output: 2 }", "{ windows_utc: [{ from: '10:00', to: '09:00' }], input: 1, output: 2 }", "models[0].price.tiers[0].windows_utc[0].to")]
    [InlineData("{ input: 1, output: 2 }", "{ windows_utc: [{ days: [funday], from: '01:00', to: '02:00' }], input: 1, output: 2 }", "models[0].price.tiers[0].windows_utc[0].days[0]")]
    public void Parse_InvalidValue_NamesThePath(string find, string replace, string path)
    {
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Equal(path, ex.Path);
    }

    [Fact]
    public void Parse_DuplicateModel_IsRejected()
    {
        var model = Valid[Valid.IndexOf("  - provider: acme", StringComparison.Ordinal)..];

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(Valid + "\n" + model, "test.yaml"));

        Assert.Equal("models[1].id", ex.Path);
    }

    [Fact]
    public void Parse_KindWithTwoEntriesAndNoDefault_IsRejected()
    {
        var second = """
              - id: acme-eu
                kind: openai-compatible
                region: eu
                display_name: Acme EU
                auth: bearer
                jurisdiction: eu
            """;
        var yaml = Valid.Replace("models:", second + "\nmodels:", StringComparison.Ordinal);

        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse(yaml, "test.yaml"));

        Assert.Contains("needs exactly one 'default: true'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsSource()
    {
        var ex = Assert.Throws<CatalogException>(() => ModelCatalog.Parse("as_of: [", "broken.yaml"));

        Assert.StartsWith("broken.yaml: ", ex.Message, StringComparison.Ordinal);
    }
}
