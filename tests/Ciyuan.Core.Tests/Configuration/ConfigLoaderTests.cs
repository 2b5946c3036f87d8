using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string MinimalYaml = """
        providers:
          my-vllm:
            kind: openai-compatible
            base_url: http://127.0.0.1:8000/v1
            api_key: env:MY_VLLM_KEY
            jurisdiction: self-hosted
        models:
          - name: qwen-local
            deployments:
              - provider: my-vllm
                model: Qwen/Qwen3.5-27B
                price: { input: 0, output: 0, currency: USD }
        """;

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["MY_VLLM_KEY"] = "sk-local-123",
        ["DEEPSEEK_API_KEY"] = "sk-deepseek-456",
        ["EMPTY_KEY"] = string.Empty,
    };

    private static ConfigLoader Loader(IProviderDefaults? defaults = null) =>
        new(defaults ?? NoProviderDefaults.Instance, name => Environment.GetValueOrDefault(name));

    private static CiyuanConfig Parse(string yaml, IProviderDefaults? defaults = null) =>
        Loader(defaults).Parse(yaml, "test.yaml");

    private static string ErrorOf(string yaml, IProviderDefaults? defaults = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, defaults)).Message;

    /// <summary>A one-provider, one-model config with <paramref name="extra"/> lines spliced in at a marker.</summary>
    private static string WithProviderLines(string extra) => $"""
        providers:
          a:
            kind: openai-compatible
            base_url: http://127.0.0.1:8000/v1
        {extra}
        models:
          - name: m
            deployments:
              - provider: a
                model: upstream-m
        """;

    [Fact]
    public void Parse_MinimalProductConfig_BuildsProviderRecord()
    {
        var config = Parse(MinimalYaml);

        Assert.Equal("test.yaml", config.Source);
        var provider = Assert.Single(config.Providers).Value;
        Assert.Equal("my-vllm", provider.Name);
        Assert.Equal(ProviderKinds.OpenAICompatible, provider.Kind);
        Assert.Null(provider.Region);
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1"), provider.BaseUrl);
        Assert.Null(provider.AnthropicBaseUrl);
        Assert.Equal("sk-local-123", provider.ApiKey);
        Assert.Equal(Jurisdictions.SelfHosted, provider.Jurisdiction);
        Assert.True(provider.IsSelfHosted);
        Assert.Empty(provider.Headers);
        Assert.Equal(ProviderTimeouts.Default, provider.Timeouts);
    }

    [Fact]
    public void Parse_MinimalProductConfig_BuildsModelAndDeployment()
    {
        var config = Parse(MinimalYaml);

        var model = Assert.Single(config.Models);
        Assert.Equal("qwen-local", model.Name);
        var deployment = Assert.Single(model.Deployments);
        Assert.Equal("my-vllm/Qwen/Qwen3.5-27B", deployment.Id);
        Assert.Same(config.Providers["my-vllm"], deployment.Provider);
        Assert.Equal("Qwen/Qwen3.5-27B", deployment.UpstreamModel);
        Assert.Equal(new PriceConfig(0m, 0m, null, null, "USD"), deployment.Price);
        Assert.Equal(1, deployment.Weight);
        Assert.Empty(deployment.Tags);
    }

    [Fact]
    public void Parse_MinimalProductConfig_KeepsDefaultServerAndStorage()
    {
        var config = Parse(MinimalYaml);

        Assert.Equal(ServerConfig.Default, config.Server);
        Assert.Equal(StorageConfig.Default, config.Storage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyDocument_ReturnsEmptyConfigWithSource(string yaml)
    {
        var config = Parse(yaml);

        Assert.Empty(config.Providers);
        Assert.Empty(config.Models);
        Assert.Equal("test.yaml", config.Source);
    }

    [Fact]
    public void Parse_FullProviderAndDeployment_ReadsEveryField()
    {
        var config = Parse("""
            server:
              urls: http://0.0.0.0:4100
              max_body_bytes: 1_048_576
            storage:
              sqlite:
                path: data/ledger.db
                sync_to_disk: yes
            providers:
              local:
                kind: vllm
                base_url: https://gpu.internal:8443/v1/
                anthropic_base_url: https://gpu.internal:8443/anthropic
                api_key: literal-key
                connect_timeout_seconds: 2.5
                first_byte_timeout_seconds: 30
                timeout_seconds: 600
                headers:
                  X-Team: search
            models:
              - name: m
                deployments:
                  - provider: local
                    model: served-name
                    id: local-a
                    weight: 0
                    tags: { tier: gold }
                    price: { input: 0.27, output: 1.1, cache_hit: 0.07, cache_write: 0.3, currency: CNY }
            """);

        Assert.Equal("http://0.0.0.0:4100", config.Server.Urls);
        Assert.Equal(1_048_576, config.Server.MaxBodyBytes);
        Assert.Equal("data/ledger.db", config.Storage.SqlitePath);
        Assert.True(config.Storage.SyncToDisk);

        var provider = config.Providers["local"];
        Assert.Equal("vllm", provider.Kind);
        Assert.Equal("https://gpu.internal:8443/v1", provider.BaseUrl.ToString());
        Assert.Equal(new Uri("https://gpu.internal:8443/anthropic"), provider.AnthropicBaseUrl);
        Assert.Equal("literal-key", provider.ApiKey);
        Assert.Equal(Jurisdictions.SelfHosted, provider.Jurisdiction);
        Assert.Equal(new ProviderTimeouts(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(600)), provider.Timeouts);
        Assert.Equal("search", provider.Headers["x-team"]);

        var deployment = Assert.Single(Assert.Single(config.Models).Deployments);
        Assert.Equal("local-a", deployment.Id);
        Assert.Equal(0, deployment.Weight);
        Assert.Equal("gold", deployment.Tags["tier"]);
        Assert.Equal(new PriceConfig(0.27m, 1.1m, 0.07m, 0.3m, "CNY"), deployment.Price);
    }

    [Fact]
    public void Parse_ProviderNamedAfterKind_InfersKind()
    {
        var config = Parse("""
            providers:
              ollama:
                base_url: http://localhost:11434/v1
            """);

        var provider = config.Providers["ollama"];
        Assert.Equal("ollama", provider.Kind);
        Assert.Null(provider.ApiKey);
        Assert.Equal(Jurisdictions.SelfHosted, provider.Jurisdiction);
    }

    [Fact]
    public void Parse_HostedKindWithoutCatalogOrJurisdiction_IsUnknownJurisdiction()
    {
        var config = Parse("""
            providers:
              ds:
                kind: deepseek
                base_url: https://api.deepseek.com
            """);

        Assert.Equal(Jurisdictions.Unknown, config.Providers["ds"].Jurisdiction);
        Assert.False(config.Providers["ds"].IsSelfHosted);
    }

    [Fact]
    public void Parse_UnknownDeploymentProvider_NamesIndexedPath()
    {
        var message = ErrorOf("""
            providers:
              a: { kind: vllm, base_url: http://h/v1 }
            models:
              - name: one
                deployments: [ { provider: a, model: x1 } ]
              - name: two
                deployments: [ { provider: a, model: x2 } ]
              - name: three
                deployments:
                  - provider: x
                    model: x3
            """);

        Assert.Equal("models[2].deployments[0].provider: unknown provider 'x'", message);
    }

    [Theory]
    [InlineData("bogus: 1\n", "bogus", "models, providers, server, storage")]
    [InlineData("server:\n  bogus: 1\n", "server.bogus", "max_body_bytes, urls")]
    [InlineData("storage:\n  bogus: 1\n", "storage.bogus", "sqlite")]
    [InlineData("storage:\n  sqlite:\n    bogus: 1\n", "storage.sqlite.bogus", "path, sync_to_disk")]
    public void Parse_UnknownTopLevelKey_NamesPathAndExpectedKeys(string extra, string path, string someExpectedKeys)
    {
        var message = ErrorOf(extra + WithProviderLines(string.Empty));

        AssertUnknownKey(message, path, someExpectedKeys);
    }

    [Fact]
    public void Parse_UnknownProviderKey_NamesPathAndExpectedKeys()
    {
        var message = ErrorOf(WithProviderLines("    bogus: 1"));

        AssertUnknownKey(
            message,
            "providers.a.bogus",
            "anthropic_base_url, api_key, base_url, connect_timeout_seconds, first_byte_timeout_seconds, headers, jurisdiction, kind, region, timeout_seconds");
    }

    [Theory]
    [InlineData("    bogus: 1", "models[0].bogus", "deployments, name")]
    [InlineData("        bogus: 1", "models[0].deployments[0].bogus", "id, model, price, provider, tags, weight")]
    [InlineData("        price: { input: 1, output: 2, bogus: 3 }", "models[0].deployments[0].price.bogus", "cache_hit, cache_write, currency, input, output")]
    public void Parse_UnknownModelLevelKey_NamesPathAndExpectedKeys(string line, string path, string someExpectedKeys)
    {
        var yaml = WithProviderLines(string.Empty) + "\n" + line + "\n";

        AssertUnknownKey(ErrorOf(yaml), path, someExpectedKeys);
    }

    /// <summary>
    /// "path: unknown key; expected one of: a, b, c" — the list grows with the schema, so only the
    /// keys this test knows about are checked, and that the list is sorted.
    /// </summary>
    private static void AssertUnknownKey(string message, string path, string someExpectedKeys)
    {
        var prefix = $"{path}: unknown key; expected one of: ";
        Assert.StartsWith(prefix, message, StringComparison.Ordinal);
        var listed = message[prefix.Length..].Split(", ");
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.Subset(listed.ToHashSet(StringComparer.Ordinal), someExpectedKeys.Split(", ").ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_UnknownKind_ListsKnownKinds()
    {
        var message = ErrorOf("""
            providers:
              a:
                kind: openai_compatible
                base_url: http://h/v1
            """);

        Assert.StartsWith("providers.a.kind: unknown kind 'openai_compatible'; expected one of: anthropic, ark, dashscope, deepseek,", message, StringComparison.Ordinal);
        Assert.Contains("openai-compatible", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingKindOnCustomName_SaysKindIsRequired()
    {
        var message = ErrorOf("""
            providers:
              my-server:
                base_url: http://h/v1
            """);

        Assert.StartsWith("providers.my-server.kind: is required (provider 'my-server' is not a known kind; one of: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingBaseUrlWithoutCatalog_SaysBaseUrlIsRequired()
    {
        var message = ErrorOf("""
            providers:
              a:
                kind: openai-compatible
            """);

        Assert.Equal("providers.a.base_url: is required for kind 'openai-compatible' (the catalog has no default)", message);
    }

    [Fact]
    public void Parse_ApiKeyEnvVariableNotSet_NamesVariable()
    {
        var message = ErrorOf(WithProviderLines("    api_key: env:NOT_THERE"));

        Assert.Equal("providers.a.api_key: environment variable 'NOT_THERE' is not set", message);
    }

    [Fact]
    public void Parse_ApiKeyEnvVariableEmpty_IsTreatedAsNotSet()
    {
        var message = ErrorOf(WithProviderLines("    api_key: env:EMPTY_KEY"));

        Assert.Equal("providers.a.api_key: environment variable 'EMPTY_KEY' is not set", message);
    }

    [Theory]
    [InlineData("ftp://files.example/v1")]
    [InlineData("localhost:8000")]
    [InlineData("not a url")]
    [InlineData("/v1")]
    public void Parse_BadBaseUrl_RejectsWithPath(string url)
    {
        var message = ErrorOf($"""
            providers:
              a:
                kind: openai-compatible
                base_url: "{url}"
            """);

        Assert.Equal($"providers.a.base_url: expected an http:// or https:// URL, got '{url}'", message);
    }

    [Fact]
    public void Parse_BadAnthropicBaseUrl_RejectsWithPath()
    {
        var message = ErrorOf(WithProviderLines("    anthropic_base_url: mailto:x@y"));

        Assert.Equal("providers.a.anthropic_base_url: expected an http:// or https:// URL, got 'mailto:x@y'", message);
    }

    [Theory]
    [InlineData("{ input: -1, output: 2 }", "models[0].deployments[0].price.input: must be >= 0, got -1")]
    [InlineData("{ input: 1, output: -0.5 }", "models[0].deployments[0].price.output: must be >= 0, got -0.5")]
    [InlineData("{ input: 1, output: 2, cache_hit: -0.01 }", "models[0].deployments[0].price.cache_hit: must be >= 0, got -0.01")]
    [InlineData("{ input: 1, output: 2, cache_write: -3 }", "models[0].deployments[0].price.cache_write: must be >= 0, got -3")]
    [InlineData("{ output: 2 }", "models[0].deployments[0].price.input: is required")]
    [InlineData("{ input: 1 }", "models[0].deployments[0].price.output: is required")]
    [InlineData("{ input: cheap, output: 2 }", "models[0].deployments[0].price.input: expected a number, got 'cheap'")]
    [InlineData("{ input: 1, output: 2, currency: EUR }", "models[0].deployments[0].price.currency: expected USD or CNY, got 'EUR'")]
    [InlineData("5", "models[0].deployments[0].price: expected a mapping (key: value lines)")]
    public void Parse_BadPrice_NamesPriceField(string price, string expected)
    {
        var yaml = WithProviderLines(string.Empty) + $"\n        price: {price}\n";

        Assert.Equal(expected, ErrorOf(yaml));
    }

    [Fact]
    public void Parse_DuplicateModelName_NamesSecondDefinition()
    {
        var message = ErrorOf(WithProviderLines(string.Empty) + """

              - name: m
                deployments: [ { provider: a, model: other } ]
            """);

        Assert.Equal("models[1].name: model 'm' is defined twice", message);
    }

    [Fact]
    public void Parse_ModelWithoutDeployments_SaysOneIsNeeded()
    {
        var message = ErrorOf("""
            models:
              - name: lonely
                deployments: []
            """);

        Assert.Equal("models[0].deployments: model 'lonely' needs at least one deployment", message);
    }

    [Theory]
    [InlineData("models:\n  - deployments: []\n", "models[0].name: is required")]
    [InlineData("models:\n  - name: ''\n    deployments: []\n", "models[0].name: is required")]
    [InlineData("providers:\n  a: { kind: vllm, base_url: http://h }\nmodels:\n  - name: m\n    deployments: [ { model: x } ]\n", "models[0].deployments[0].provider: is required")]
    [InlineData("providers:\n  a: { kind: vllm, base_url: http://h }\nmodels:\n  - name: m\n    deployments: [ { provider: a } ]\n", "models[0].deployments[0].model: is required")]
    public void Parse_MissingRequiredField_NamesIt(string yaml, string expected)
    {
        Assert.Equal(expected, ErrorOf(yaml));
    }

    [Theory]
    [InlineData("providers: [a, b]\n", "providers: expected a mapping (key: value lines)")]
    [InlineData("providers:\n  a: just-text\n", "providers.a: expected a mapping")]
    [InlineData("models: { a: b }\n", "models: expected a list")]
    [InlineData("models: [ text ]\n", "models[0]: expected a mapping")]
    [InlineData("models:\n  - name: m\n    deployments: { provider: a }\n", "models[0].deployments: expected a list")]
    [InlineData("models:\n  - name: [m]\n", "models[0].name: expected a text value")]
    [InlineData("server: 8080\n", "server: expected a mapping (key: value lines)")]
    [InlineData("server:\n  max_body_bytes: lots\n", "server.max_body_bytes: expected a whole number, got 'lots'")]
    [InlineData("server:\n  max_body_bytes: 10\n", "server.max_body_bytes: must be between 1024 and 2147483648, got 10")]
    [InlineData("storage:\n  sqlite:\n    sync_to_disk: maybe\n", "storage.sqlite.sync_to_disk: expected true or false, got 'maybe'")]
    [InlineData("providers:\n  a:\n    kind: vllm\n    base_url: [http://h]\n", "providers.a.base_url: expected a text value")]
    [InlineData("providers:\n  a:\n    kind: vllm\n    base_url: http://h\n    headers: [x]\n", "providers.a.headers: expected a mapping (key: value lines)")]
    [InlineData("providers:\n  a:\n    kind: vllm\n    base_url: http://h\n    headers: { X-A: [1] }\n", "providers.a.headers.X-A: expected a text value")]
    [InlineData("providers:\n  a:\n    kind: vllm\n    base_url: http://h\n    timeout_seconds: 0\n", "providers.a.timeout_seconds: must be >= 0.001, got 0")]
    [InlineData("providers:\n  a:\n    kind: vllm\n    base_url: http://h\n    timeout_seconds: soon\n", "providers.a.timeout_seconds: expected a number, got 'soon'")]
    [InlineData("providers:\n  a: { kind: vllm, base_url: http://h }\nmodels:\n  - name: m\n    deployments: [ { provider: a, model: x, weight: 1.5 } ]\n", "models[0].deployments[0].weight: expected a whole number, got '1.5'")]
    [InlineData("providers:\n  a: { kind: vllm, base_url: http://h }\nmodels:\n  - name: m\n    deployments: [ { provider: a, model: x, weight: -1 } ]\n", "models[0].deployments[0].weight: must be between 0 and 1000000, got -1")]
    public void Parse_WrongYamlType_NamesPath(string yaml, string expected)
    {
        Assert.Equal(expected, ErrorOf(yaml));
    }

    [Theory]
    [InlineData("- a\n- b\n")]
    [InlineData("just text\n")]
    public void Parse_TopLevelNotMapping_SaysSo(string yaml)
    {
        Assert.Equal("test.yaml: the top level must be a mapping (providers:, models:, ...)", ErrorOf(yaml));
    }

    [Theory]
    [InlineData("providers:\n  a: { kind: vllm\n")]
    [InlineData("providers:\n  a:\n    kind: \"vllm\n")]
    [InlineData("providers:\n\ta: 1\n")]
    [InlineData("a: 1\na: 2\n")]
    public void Parse_InvalidYamlSyntax_NamesSourceAndLine(string yaml)
    {
        var message = ErrorOf(yaml);

        Assert.Matches(@"^test\.yaml: not valid YAML at line \d+, column \d+: ", message);
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsConfigExceptionNamingFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "ciyuan-missing-" + Guid.NewGuid().ToString("N"), "ciyuan.yaml");

        var error = Assert.Throws<ConfigException>(() => Loader().LoadFile(path));

        Assert.StartsWith($"cannot read config file '{path}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_ExistingFile_UsesPathAsSource()
    {
        var path = Path.Combine(Path.GetTempPath(), "ciyuan-config-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, MinimalYaml);
        try
        {
            var config = Loader().LoadFile(path);

            Assert.Equal(path, config.Source);
            Assert.Equal("qwen-local", Assert.Single(config.Models).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConfigException_PathAndProblem_ExposesPath()
    {
        var error = Assert.Throws<ConfigException>(() => Parse(WithProviderLines("    api_key: env:NOT_THERE")));

        Assert.Equal("providers.a.api_key", error.Path);
    }

    [Fact]
    public void Parse_CatalogProviderWithOnlyApiKey_FillsDefaultsAndServesCatalogModels()
    {
        var config = Parse("""
            providers:
              deepseek:
                api_key: env:DEEPSEEK_API_KEY
            """, new FakeProviderDefaults());

        var provider = config.Providers["deepseek"];
        Assert.Equal("deepseek", provider.Kind);
        Assert.Equal(new Uri("https://api.deepseek.com"), provider.BaseUrl);
        Assert.Equal(new Uri("https://api.deepseek.com/anthropic"), provider.AnthropicBaseUrl);
        Assert.Equal("sk-deepseek-456", provider.ApiKey);
        Assert.Equal("cn", provider.Jurisdiction);

        Assert.Equal(new[] { "deepseek-flash", "deepseek-v4-pro" }, config.Models.Select(m => m.Name));
        var deployment = Assert.Single(config.Models[1].Deployments);
        Assert.Equal("deepseek/deepseek-v4-pro", deployment.Id);
        Assert.Equal("deepseek-v4-pro", deployment.UpstreamModel);
        Assert.Same(provider, deployment.Provider);
        Assert.Null(deployment.Price);
    }

    [Fact]
    public void Parse_CatalogProviderWithoutApiKey_ReadsCatalogEnvVariable()
    {
        var config = Parse("providers:\n  deepseek:\n", new FakeProviderDefaults());

        Assert.Equal("sk-deepseek-456", config.Providers["deepseek"].ApiKey);
    }

    [Fact]
    public void Parse_CatalogProviderOverrides_ConfigWins()
    {
        var config = Parse("""
            providers:
              ds:
                kind: deepseek
                base_url: https://proxy.example/deepseek
                jurisdiction: sg
                api_key: literal
            """, new FakeProviderDefaults());

        var provider = config.Providers["ds"];
        Assert.Equal(new Uri("https://proxy.example/deepseek"), provider.BaseUrl);
        Assert.Equal("sg", provider.Jurisdiction);
        Assert.Equal("literal", provider.ApiKey);
        Assert.Equal("ds/deepseek-flash", config.Models[0].Deployments[0].Id);
    }

    [Fact]
    public void Parse_CatalogRegion_UsesRegionDefaults()
    {
        var config = Parse("providers:\n  deepseek:\n    region: intl\n", new FakeProviderDefaults());

        Assert.Equal("intl", config.Providers["deepseek"].Region);
        Assert.Equal(new Uri("https://intl.deepseek.example"), config.Providers["deepseek"].BaseUrl);
        Assert.Equal("sg", config.Providers["deepseek"].Jurisdiction);
    }

    [Fact]
    public void Parse_UnknownCatalogRegion_NamesRegion()
    {
        var message = ErrorOf("providers:\n  deepseek:\n    region: mars\n", new FakeProviderDefaults());

        Assert.Equal("providers.deepseek.region: the catalog has no region 'mars' for kind 'deepseek'", message);
    }

    [Fact]
    public void Parse_ExplicitModelWithCatalogName_ExplicitDefinitionWins()
    {
        var config = Parse("""
            providers:
              deepseek: {}
              mine: { kind: vllm, base_url: http://h/v1 }
            models:
              - name: deepseek-flash
                deployments:
                  - provider: mine
                    model: local-flash
            """, new FakeProviderDefaults());

        Assert.Equal(new[] { "deepseek-flash", "deepseek-v4-pro" }, config.Models.Select(m => m.Name));
        Assert.Equal("mine/local-flash", Assert.Single(config.Models[0].Deployments).Id);
        Assert.Equal("deepseek/deepseek-v4-pro", Assert.Single(config.Models[1].Deployments).Id);
    }

    /// <summary>A catalog that knows one vendor, DeepSeek, with a default and an <c>intl</c> region.</summary>
    private sealed class FakeProviderDefaults : IProviderDefaults
    {
        public ProviderDefaults? Find(string kind, string? region) => (kind, region) switch
        {
            ("deepseek", null) => new ProviderDefaults(
                "deepseek", new Uri("https://api.deepseek.com"), new Uri("https://api.deepseek.com/anthropic"), "DEEPSEEK_API_KEY", "cn"),
            ("deepseek", "intl") => new ProviderDefaults(
                "deepseek-intl", new Uri("https://intl.deepseek.example"), null, "DEEPSEEK_API_KEY", "sg"),
            _ => null,
        };

        public IReadOnlyList<string> ModelIds(string providerId) =>
            providerId.StartsWith("deepseek", StringComparison.Ordinal) ? ["deepseek-flash", "deepseek-v4-pro"] : [];
    }
}
