using Ciyuan.Core.Catalog;

namespace Ciyuan.Core.Tests.Catalog;

public sealed class BuiltinCatalogTests
{
    // (provider id, model id) for every model issue 3 requires the catalog to cover.
    public static TheoryData<string, string> RequiredModels => new()
    {
        { "deepseek", "deepseek-v4-pro" },
        { "deepseek", "deepseek-v4-flash" },
        { "deepseek", "deepseek-flash" },
        { "vllm", "deepseek-ai/DeepSeek-V3.2" },
        { "vllm", "deepseek-ai/DeepSeek-R1" },
        { "moonshot", "kimi-k2.5" },
        { "moonshot", "kimi-k2.6" },
        { "moonshot", "kimi-k2-thinking" },
        { "moonshot", "kimi-k3" },
        { "moonshot", "kimi-k3.1-pro" },
        { "vllm", "Qwen/Qwen3.5-397B-A17B" },
        { "vllm", "Qwen/Qwen3.5-122B-A10B" },
        { "vllm", "Qwen/Qwen3.5-35B-A3B" },
        { "vllm", "Qwen/Qwen3.5-27B" },
        { "vllm", "Qwen/Qwen3.5-9B" },
        { "vllm", "Qwen/Qwen3.5-4B" },
        { "vllm", "Qwen/Qwen3.5-2B" },
        { "vllm", "Qwen/Qwen3.5-0.8B" },
        { "vllm", "Qwen/QwQ-32B" },
        { "dashscope", "qwen3.6-plus" },
        { "dashscope", "qwen3.7-max" },
        { "dashscope-cn", "qwen3.5-plus" },
        { "zai", "glm-5" },
        { "zai", "glm-5-turbo" },
        { "zai", "glm-4.5" },
        { "zai", "glm-5.1" },
        { "zai", "glm-5.2" },
        { "zai", "glm-5.3" },
        { "qianfan", "ernie-5.0" },
        { "qianfan", "ernie-4.5-turbo-128k" },
        { "vllm", "baidu/ERNIE-4.5-300B-A47B" },
        { "ark", "doubao-seed-2-0-pro" },
        { "ark", "doubao-seed-2-0-lite" },
        { "ark", "doubao-seed-2-0-mini" },
        { "ark", "doubao-seed-2-0-code-preview-260215" },
        { "minimax", "MiniMax-M2.7" },
        { "minimax", "MiniMax-M2.5" },
        { "minimax", "MiniMax-M3" },
        { "openrouter", "inclusionai/ling-2.6-1t" },
        { "openrouter", "inclusionai/ring-2.6-1t" },
        { "xiaomi-mimo", "mimo-v2.5-pro" },
        { "vllm", "XiaomiMiMo/MiMo-V2-Flash" },
        { "vllm", "openPangu-Ultra-MoE-718B" },
        { "stepfun-intl", "step-3.5-flash" },
    };

    public static TheoryData<string, string> KeyVariables => new()
    {
        { "deepseek", "DEEPSEEK_API_KEY" },
        { "moonshot", "MOONSHOT_API_KEY" },
        { "dashscope", "DASHSCOPE_API_KEY" },
        { "zhipu", "ZHIPUAI_API_KEY" },
        { "zai", "ZAI_API_KEY" },
        { "minimax", "MINIMAX_API_KEY" },
        { "ark", "ARK_API_KEY" },
        { "qianfan", "QIANFAN_API_KEY" },
        { "stepfun", "STEPFUN_API_KEY" },
        { "openrouter", "OPENROUTER_API_KEY" },
        { "openai", "OPENAI_API_KEY" },
        { "anthropic", "ANTHROPIC_API_KEY" },
    };

    [Fact]
    public void Builtin_Loads_HasProvidersModelsAndDate()
    {
        var catalog = ModelCatalog.Builtin;

        Assert.NotEmpty(catalog.Providers);
        Assert.NotEmpty(catalog.Models);
        Assert.True(catalog.AsOf >= new DateOnly(2026, 11, 1), $"as_of {catalog.AsOf} looks stale");
        Assert.Same(catalog, ModelCatalog.Builtin);
    }

    [Fact]
    public void Builtin_EveryModel_HasSourceAndSourceDate()
    {
        var missing = ModelCatalog.Builtin.Models
            .Where(m => string.IsNullOrWhiteSpace(m.Source) || m.SourceDate == default || m.SourceDate > ModelCatalog.Builtin.AsOf)
            .Select(m => $"{m.ProviderId}/{m.Id}")
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Builtin_EveryPrice_HasCurrencySourceDateAndTiers()
    {
        var bad = ModelCatalog.Builtin.Models
            .Where(m => m.Price is { } p && (p.Currency is not ("USD" or "CNY") || p.SourceDate is null || string.IsNullOrWhiteSpace(p.Source) || p.Tiers.Count == 0))
            .Select(m => $"{m.ProviderId}/{m.Id}")
            .ToList();

        Assert.Empty(bad);
    }

    [Theory]
    [MemberData(nameof(RequiredModels))]
    public void FindModel_RequiredModel_IsPresent(string providerId, string modelId)
    {
        Assert.NotNull(ModelCatalog.Builtin.FindModel(providerId, modelId));
    }

    [Theory]
    [MemberData(nameof(KeyVariables))]
    public void FindProvider_HostedKind_UsesVendorKeyVariable(string kind, string keyVariable)
    {
        var provider = ModelCatalog.Builtin.FindProvider(kind);

        Assert.NotNull(provider);
        Assert.Equal(keyVariable, provider.ApiKeyEnv);
        Assert.NotEqual("self-hosted", provider.Jurisdiction);
    }

    [Fact]
    public void FindProvider_EveryConfigKind_HasADefaultEntry()
    {
        foreach (var kind in Ciyuan.Core.Configuration.ProviderKinds.All)
        {
            Assert.True(ModelCatalog.Builtin.FindProvider(kind) is { IsDefault: true }, kind);
        }
    }

    [Theory]
    [InlineData("ollama", "http://localhost:11434/v1")]
    [InlineData("llamacpp", "http://localhost:8080/v1")]
    [InlineData("vllm", "http://localhost:8000/v1")]
    [InlineData("sglang", "http://localhost:30000/v1")]
    public void FindProvider_SelfHostedKind_HasLocalDefaultUrl(string kind, string url)
    {
        var provider = ModelCatalog.Builtin.FindProvider(kind);

        Assert.NotNull(provider);
        Assert.Equal(new Uri(url), provider.BaseUrl);
        Assert.Equal("self-hosted", provider.Jurisdiction);
    }

    [Fact]
    public void FindProvider_GenericOpenAICompatible_HasNoBaseUrl()
    {
        Assert.Null(ModelCatalog.Builtin.FindProvider("openai-compatible")!.BaseUrl);
    }

    [Theory]
    [InlineData("dashscope", null, "dashscope-intl.aliyuncs.com", "sg")]
    [InlineData("dashscope", "intl", "dashscope-intl.aliyuncs.com", "sg")]
    [InlineData("dashscope", "cn", "dashscope.aliyuncs.com", "cn")]
    [InlineData("dashscope", "us", "dashscope-us.aliyuncs.com", "us")]
    [InlineData("moonshot", "cn", "api.moonshot.cn", "cn")]
    [InlineData("moonshot", null, "api.moonshot.ai", "cn")]
    [InlineData("minimax", "cn", "api.minimaxi.com", "cn")]
    [InlineData("zhipu", null, "open.bigmodel.cn", "cn")]
    [InlineData("zai", null, "api.z.ai", "cn")]
    public void FindProvider_Region_SelectsVendorHost(string kind, string? region, string host, string jurisdiction)
    {
        var provider = ModelCatalog.Builtin.FindProvider(kind, region);

        Assert.NotNull(provider);
        Assert.Equal(host, provider.BaseUrl!.Host);
        Assert.Equal(jurisdiction, provider.Jurisdiction);
    }

    [Fact]
    public void FindProvider_UnknownRegion_ReturnsNull()
    {
        Assert.Null(ModelCatalog.Builtin.FindProvider("dashscope", "mars"));
    }

    [Fact]
    public void ModelsOf_Provider_ReturnsOnlyItsModels()
    {
        var models = ModelCatalog.Builtin.ModelsOf("deepseek").ToList();

        Assert.NotEmpty(models);
        Assert.All(models, m => Assert.Equal("deepseek", m.ProviderId));
        Assert.Empty(ModelCatalog.Builtin.ModelsOf("no-such-provider"));
    }

    [Fact]
    public void Builtin_EveryFamily_IsKnownOrNull()
    {
        string[] families = ["qwen3", "deepseek_v3", "o200k", "cl100k", "kimi_k2", "glm", "minimax", "ernie", "doubao", "stepfun", "claude"];

        Assert.All(ModelCatalog.Builtin.Models, m => Assert.True(m.Family is null || families.Contains(m.Family), m.Id));
    }

    [Fact]
    public void FindModel_GlmOnTheZhipuChinaHost_IsPricedInYuan()
    {
        var glm53 = ModelCatalog.Builtin.FindModel("zhipu", "glm-5.3")!.Price!;
        var glm5 = ModelCatalog.Builtin.FindModel("zhipu", "glm-5")!.Price!;

        Assert.Equal("CNY", glm53.Currency);
        Assert.Equal((8m, 2m, 28m), (glm53.Tiers[0].Input, glm53.Tiers[0].CacheHit!.Value, glm53.Tiers[0].Output));
        Assert.Equal("CNY", glm5.Currency);
        Assert.Contains("[U]", glm5.Source, StringComparison.Ordinal);
    }
}
