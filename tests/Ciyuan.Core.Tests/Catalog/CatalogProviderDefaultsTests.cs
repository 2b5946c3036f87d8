using Ciyuan.Core.Catalog;

namespace Ciyuan.Core.Tests.Catalog;

public sealed class CatalogProviderDefaultsTests
{
    [Fact]
    public void Find_KindAndRegion_MapsCatalogEntry()
    {
        var defaults = CatalogProviderDefaults.Builtin.Find("dashscope", "cn");

        Assert.NotNull(defaults);
        Assert.Equal("dashscope-cn", defaults.Id);
        Assert.Equal("DASHSCOPE_API_KEY", defaults.ApiKeyEnv);
        Assert.Equal("cn", defaults.Jurisdiction);
    }

    [Fact]
    public void ModelIds_Provider_ListsCatalogModels()
    {
        var ids = CatalogProviderDefaults.Builtin.ModelIds("deepseek");

        Assert.Contains("deepseek-v4-pro", ids);
        Assert.Empty(CatalogProviderDefaults.Builtin.ModelIds("nobody"));
    }
}
