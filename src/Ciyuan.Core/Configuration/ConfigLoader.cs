using System.Collections.Frozen;
using Ciyuan.Core.Metering;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// Reads <c>ciyuan.yaml</c> into a validated <see cref="CiyuanConfig"/>. Every error is a
/// <see cref="ConfigException"/> naming the path of the bad field; unknown keys are errors.
/// </summary>
public sealed class ConfigLoader(IProviderDefaults defaults, Func<string, string?> environment)
{
    public CiyuanConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new ConfigException(string.Empty, $"cannot read config file '{path}': {ex.Message}");
        }

        return Parse(text, path);
    }

    public CiyuanConfig Parse(string yaml, string source)
    {
        var root = ReadRoot(yaml, source);
        if (root is null)
        {
            // Traces may still be asked for by the standard OpenTelemetry variables.
            return CiyuanConfig.Empty with { Source = source, Telemetry = new ObservabilityConfigReader(environment, ResolveSecret).ReadTelemetry(null) };
        }

        var server = ReadServer(root.OptionalMapping("server"));
        var storage = StorageConfigReader.Read(root.OptionalMapping("storage"), ResolveSecret);
        var budgets = BudgetsConfigReader.ReadBudgets(root.OptionalMapping("budgets"));
        var projects = BudgetsConfigReader.ReadProjects(root.OptionalMapping("projects"));
        var providers = ReadProviders(root.OptionalMapping("providers"));
        var models = ReadModels(root.MappingSequence("models"), providers);
        var tokenizers = ReadTokenizers(root.OptionalMapping("tokenizers"), source);
        var routing = ReadRouting(root.OptionalMapping("routing"));
        var policies = ReadPolicies(root.OptionalMapping("policies"), providers);
        var metrics = ObservabilityConfigReader.ReadMetrics(root.OptionalMapping("metrics"));
        var telemetry = new ObservabilityConfigReader(environment, ResolveSecret).ReadTelemetry(root.OptionalMapping("telemetry"));
        var logging = ObservabilityConfigReader.ReadLogging(root.OptionalMapping("logging"));
        root.RejectUnknownKeys();

        return new CiyuanConfig
        {
            Server = server,
            Storage = storage,
            Providers = providers.ToFrozenDictionary(StringComparer.Ordinal),
            Models = models,
            Tokenizers = tokenizers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            Routing = routing,
            Policies = policies,
            Budgets = budgets,
            Projects = projects.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal),
            Metrics = metrics,
            Telemetry = telemetry,
            Logging = logging,
            Source = source,
        };
    }

    /// <summary>The strategy names routing knows (kept here so a typo fails at start-up with its path).</summary>
    public static readonly IReadOnlyList<string> Strategies = ["ordered", "cheapest", "fastest", "weighted", "least-busy"];

    private static string? ReadStrategy(ConfigMapping node)
    {
        var strategy = node.OptionalString("strategy");
        return strategy is null || Strategies.Contains(strategy)
            ? strategy
            : throw new ConfigException(node.Join("strategy"), $"unknown strategy '{strategy}'; expected one of: {string.Join(", ", Strategies)}");
    }

    private static RoutingConfig ReadRouting(ConfigMapping? node)
    {
        if (node is null)
        {
            return RoutingConfig.Default;
        }

        var routing = new RoutingConfig
        {
            CnyToUsd = node.OptionalDecimal("cny_to_usd", 0) ?? RoutingConfig.Default.CnyToUsd,
            Strategy = ReadStrategy(node) ?? RoutingConfig.Default.Strategy,
            MaxAttempts = (int)(node.OptionalInteger("max_attempts", 1, 20) ?? RoutingConfig.Default.MaxAttempts),
            Timeout = Seconds(node, "timeout_seconds") ?? RoutingConfig.Default.Timeout,
            CacheAffinity = node.OptionalBool("cache_affinity") ?? RoutingConfig.Default.CacheAffinity,
        };
        node.RejectUnknownKeys();
        return routing;
    }

    private static List<PolicyConfig> ReadPolicies(ConfigMapping? node, Dictionary<string, ProviderConfig> providers)
    {
        var policies = new List<PolicyConfig>();
        if (node is null)
        {
            return policies;
        }

        foreach (var (name, entry) in node.NamedMappings())
        {
            var jurisdictions = entry.Has("allowed_jurisdictions") ? entry.StringSequence("allowed_jurisdictions") : null;
            var excluded = entry.StringSequence("excluded_providers");
            var allowed = entry.Has("allowed_providers") ? entry.StringSequence("allowed_providers") : null;
            foreach (var (list, key) in new[] { (excluded, "excluded_providers"), (allowed ?? [], "allowed_providers") })
            {
                foreach (var provider in list)
                {
                    if (!providers.ContainsKey(provider) && !ProviderKinds.All.Contains(provider))
                    {
                        throw new ConfigException(entry.Join(key), $"unknown provider '{provider}' (a provider name or kind)");
                    }
                }
            }

            policies.Add(new PolicyConfig(name, jurisdictions, entry.OptionalBool("self_hosted_only") ?? false, excluded, allowed));
            entry.RejectUnknownKeys();
        }

        return policies;
    }

    private static Dictionary<string, TokenizerFileConfig> ReadTokenizers(ConfigMapping? node, string source)
    {
        var files = new Dictionary<string, TokenizerFileConfig>(StringComparer.OrdinalIgnoreCase);
        if (node is null)
        {
            return files;
        }

        // Relative paths are relative to the config file, so a config and its tokenizer files travel together.
        var baseDirectory = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source)) ?? "." : ".";
        foreach (var (family, entry) in node.NamedMappings())
        {
            var path = entry.RequiredString("path");
            var format = entry.OptionalString("format") ?? (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "tokenizer.json" : "tiktoken");
            if (format is not ("tokenizer.json" or "tiktoken"))
            {
                throw new ConfigException(entry.Join("format"), $"expected tokenizer.json or tiktoken, got '{format}'");
            }

            var full = Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);
            if (!File.Exists(full))
            {
                throw new ConfigException(entry.Join("path"), $"file '{path}' does not exist");
            }

            files[family] = new TokenizerFileConfig(full, format, entry.OptionalString("pattern"));
            entry.RejectUnknownKeys();
        }

        return files;
    }

    private static ConfigMapping? ReadRoot(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigException(string.Empty, $"{source}: not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        return stream.Documents[0].RootNode is YamlMappingNode mapping
            ? new ConfigMapping(mapping, string.Empty)
            : throw new ConfigException(string.Empty, $"{source}: the top level must be a mapping (providers:, models:, ...)");
    }

    /// <summary>A bearer token for <c>/metrics</c> alone; long enough to be masked like every other secret.</summary>
    private string? ReadMetricsToken(ConfigMapping node)
    {
        if (node.OptionalString("metrics_token") is not { } text)
        {
            return null;
        }

        var token = ResolveSecret(node.Join("metrics_token"), text);
        return token.Length >= Secrets.SecretRedactor.MinimumLength
            ? token
            : throw new ConfigException(node.Join("metrics_token"), $"must be at least {Secrets.SecretRedactor.MinimumLength} characters");
    }

    private ServerConfig ReadServer(ConfigMapping? node)
    {
        if (node is null)
        {
            return ServerConfig.Default;
        }

        var server = new ServerConfig
        {
            Urls = node.OptionalString("urls"),
            MaxBodyBytes = node.OptionalInteger("max_body_bytes", 1024, 1L << 31) ?? ServerConfig.Default.MaxBodyBytes,
            MaxUpstreamBodyBytes = node.OptionalInteger("max_upstream_body_bytes", 64 * 1024, 1L << 30) ?? ServerConfig.Default.MaxUpstreamBodyBytes,
            MaxTokenizeBytes = node.OptionalInteger("max_tokenize_bytes", 1024, 1L << 30) ?? ServerConfig.Default.MaxTokenizeBytes,
            RefuseUnpriced = node.OptionalBool("refuse_unpriced") ?? false,
            MetricsToken = ReadMetricsToken(node),
            DrainDelay = node.OptionalInteger("drain_delay_seconds", 0, 3_600) is { } delay ? TimeSpan.FromSeconds(delay) : ServerConfig.Default.DrainDelay,
            DrainTimeout = node.OptionalInteger("drain_timeout_seconds", 0, 86_400) is { } timeout ? TimeSpan.FromSeconds(timeout) : ServerConfig.Default.DrainTimeout,
            Ui = node.OptionalBool("ui") ?? true,
        };
        node.RejectUnknownKeys();
        return server;
    }

    private Dictionary<string, ProviderConfig> ReadProviders(ConfigMapping? node)
    {
        var providers = new Dictionary<string, ProviderConfig>(StringComparer.Ordinal);
        if (node is null)
        {
            return providers;
        }

        foreach (var (name, entry) in node.NamedMappings())
        {
            providers[name] = ReadProvider(name, entry);
        }

        return providers;
    }

    private ProviderConfig ReadProvider(string name, ConfigMapping node)
    {
        var kind = node.OptionalString("kind") ?? (ProviderKinds.All.Contains(name) ? name : null)
            ?? throw new ConfigException(node.Join("kind"), $"is required (provider '{name}' is not a known kind; one of: {string.Join(", ", ProviderKinds.All.Order(StringComparer.Ordinal))})");
        if (!ProviderKinds.All.Contains(kind))
        {
            throw new ConfigException(node.Join("kind"), $"unknown kind '{kind}'; expected one of: {string.Join(", ", ProviderKinds.All.Order(StringComparer.Ordinal))}");
        }

        var region = node.OptionalString("region");
        var known = defaults.Find(kind, region);
        if (region is not null && known is null)
        {
            throw new ConfigException(node.Join("region"), $"the catalog has no region '{region}' for kind '{kind}'");
        }

        var baseUrlText = node.OptionalString("base_url");
        var baseUrl = baseUrlText is null ? known?.BaseUrl : ParseUrl(node.Join("base_url"), baseUrlText);
        if (baseUrl is null)
        {
            throw new ConfigException(node.Join("base_url"), $"is required for kind '{kind}' (the catalog has no default)");
        }

        var anthropicText = node.OptionalString("anthropic_base_url");
        var anthropicUrl = MessagesBaseUrl(kind, baseUrlText is null ? null : baseUrl, anthropicText is null ? null : ParseUrl(node.Join("anthropic_base_url"), anthropicText), known);
        var responsesText = node.OptionalString("responses_base_url");
        var responsesUrl = ResponsesBaseUrl(kind, baseUrl, baseUrlText is not null, responsesText, node.Join("responses_base_url"), known);

        string? apiKey;
        if (node.Has("api_key"))
        {
            apiKey = ResolveSecret(node.Join("api_key"), node.RequiredString("api_key"));
        }
        else
        {
            apiKey = known?.ApiKeyEnv is { } envName ? environment(envName) : null;
        }

        var jurisdiction = node.OptionalString("jurisdiction")
            ?? known?.Jurisdiction
            ?? (ProviderKinds.SelfHosted.Contains(kind) ? Jurisdictions.SelfHosted : Jurisdictions.Unknown);

        var timeouts = ProviderTimeouts.Default;
        timeouts = timeouts with
        {
            Connect = Seconds(node, "connect_timeout_seconds") ?? timeouts.Connect,
            FirstByte = Seconds(node, "first_byte_timeout_seconds") ?? timeouts.FirstByte,
            Total = Seconds(node, "timeout_seconds") ?? timeouts.Total,
        };

        var headers = node.OptionalMapping("headers")?.StringMap() ?? new Dictionary<string, string>();
        var pool = new List<ProviderKeyConfig>();
        foreach (var entry in node.MappingSequence("api_keys"))
        {
            var secret = ResolveSecret(entry.Join("key"), entry.RequiredString("key"));
            pool.Add(new ProviderKeyConfig($"{name}#{pool.Count}", secret, (int)(entry.OptionalInteger("max_in_flight", 0, 1_000_000) ?? 0)));
            entry.RejectUnknownKeys();
        }

        node.RejectUnknownKeys();

        return new ProviderConfig
        {
            Name = name,
            Kind = kind,
            Region = region,
            CatalogId = known?.Id,
            BaseUrl = baseUrl,
            AnthropicBaseUrl = anthropicUrl,
            ResponsesBaseUrl = responsesUrl,
            ApiKey = apiKey ?? pool.FirstOrDefault()?.Secret,
            KeyPool = pool,
            Jurisdiction = jurisdiction,
            Headers = headers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            Timeouts = timeouts,
        };
    }

    /// <summary>
    /// Where Messages requests go. A configured <c>anthropic_base_url</c> wins. At <c>kind: anthropic</c>
    /// the configured <c>base_url</c> is the Messages base. Otherwise the catalog's Anthropic host is used
    /// only while <c>base_url</c> is the catalog's too: a provider pointed at a private endpoint must never
    /// send prompts and its key to the vendor's public host for the other dialect (its Messages requests
    /// are then translated to the OpenAI-dialect endpoint instead).
    /// </summary>
    private static Uri? MessagesBaseUrl(string kind, Uri? configuredBase, Uri? configuredMessages, ProviderDefaults? known)
    {
        if (configuredMessages is not null)
        {
            return configuredMessages;
        }

        if (kind == ProviderKinds.Anthropic)
        {
            return configuredBase ?? known?.AnthropicBaseUrl;
        }

        return configuredBase is null ? known?.AnthropicBaseUrl : null;
    }

    /// <summary>
    /// Where Responses requests are passed through, if anywhere. A configured <c>responses_base_url</c>
    /// wins (<c>none</c> switches it off: every Responses request is then translated). OpenAI and
    /// OpenRouter serve <c>/responses</c> beside <c>/chat/completions</c>, so their base is used. Any
    /// other kind uses the catalog's Responses host only while <c>base_url</c> is the catalog's too, by
    /// the same rule as Messages: a private endpoint never leaks prompts or its key to a public host.
    /// </summary>
    private static Uri? ResponsesBaseUrl(string kind, Uri baseUrl, bool baseConfigured, string? configured, string path, ProviderDefaults? known)
    {
        if (configured is not null)
        {
            return string.Equals(configured, "none", StringComparison.OrdinalIgnoreCase) ? null : ParseUrl(path, configured);
        }

        if (kind is ProviderKinds.OpenAI or ProviderKinds.OpenRouter)
        {
            return baseUrl;
        }

        return baseConfigured ? null : known?.ResponsesBaseUrl;
    }

    private static TimeSpan? Seconds(ConfigMapping node, string key) =>
        node.OptionalDecimal(key, 0.001m) is { } seconds ? TimeSpan.FromSeconds((double)seconds) : null;

    private static Uri ParseUrl(string path, string text)
    {
        if (!Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigException(path, $"expected an http:// or https:// URL, got '{text}'");
        }

        return uri;
    }

    private string ResolveSecret(string path, string value)
    {
        if (!value.StartsWith("env:", StringComparison.Ordinal))
        {
            return value;
        }

        var name = value["env:".Length..];
        return environment(name) is { Length: > 0 } resolved
            ? resolved
            : throw new ConfigException(path, $"environment variable '{name}' is not set");
    }

    private List<ModelAliasConfig> ReadModels(IReadOnlyList<ConfigMapping> nodes, Dictionary<string, ProviderConfig> providers)
    {
        var aliases = new List<ModelAliasConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.RequiredString("name");
            if (!names.Add(name))
            {
                throw new ConfigException(node.Join("name"), $"model '{name}' is defined twice");
            }

            var deployments = new List<DeploymentConfig>();
            foreach (var deployment in node.MappingSequence("deployments"))
            {
                deployments.Add(ReadDeployment(deployment, providers));
            }

            if (deployments.Count == 0)
            {
                throw new ConfigException(node.Join("deployments"), $"model '{name}' needs at least one deployment");
            }

            var strategy = ReadStrategy(node);
            var cacheAffinity = node.OptionalBool("cache_affinity");
            var maxAttempts = (int?)node.OptionalInteger("max_attempts", 1, 20);
            node.RejectUnknownKeys();
            aliases.Add(new ModelAliasConfig { Name = name, Deployments = deployments, Strategy = strategy, CacheAffinity = cacheAffinity, MaxAttempts = maxAttempts });
        }

        AddCatalogModels(aliases, names, providers);
        return aliases;
    }

    /// <summary>Providers named in config serve every catalog model of theirs under its catalog name.</summary>
    private void AddCatalogModels(List<ModelAliasConfig> aliases, HashSet<string> names, Dictionary<string, ProviderConfig> providers)
    {
        foreach (var provider in providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // A self-hosted server serves whatever it was started with; only hosted vendors have a known model list.
            if (ProviderKinds.SelfHosted.Contains(provider.Kind) || defaults.Find(provider.Kind, provider.Region) is not { } known)
            {
                continue;
            }

            foreach (var modelId in defaults.ModelIds(known.Id))
            {
                if (names.Add(modelId))
                {
                    aliases.Add(new ModelAliasConfig
                    {
                        Name = modelId,
                        Deployments = [new DeploymentConfig { Id = $"{provider.Name}/{modelId}", Provider = provider, UpstreamModel = modelId }],
                    });
                }
            }
        }
    }

    private static DeploymentConfig ReadDeployment(ConfigMapping node, Dictionary<string, ProviderConfig> providers)
    {
        var providerName = node.RequiredString("provider");
        if (!providers.TryGetValue(providerName, out var provider))
        {
            throw new ConfigException(node.Join("provider"), $"unknown provider '{providerName}'");
        }

        var model = node.RequiredString("model");
        var price = ReadPrice(node.OptionalMapping("price"));
        var weight = (int)(node.OptionalInteger("weight", 0, 1_000_000) ?? 1);
        var tags = node.OptionalMapping("tags")?.StringMap() ?? new Dictionary<string, string>();
        var id = node.OptionalString("id") ?? $"{providerName}/{model}";
        var tokenizer = node.OptionalString("tokenizer");
        var maxInFlight = (int)(node.OptionalInteger("max_in_flight", 0, 1_000_000) ?? 0);
        var contextWindow = node.OptionalInteger("context_window", 1, 100_000_000);
        var rpm = node.OptionalInteger("rpm", 1, 100_000_000);
        var tpm = node.OptionalInteger("tpm", 1, long.MaxValue / 4);
        node.RejectUnknownKeys();
        return new DeploymentConfig
        {
            Id = id,
            Provider = provider,
            UpstreamModel = model,
            Price = price,
            Weight = weight,
            Tokenizer = tokenizer,
            MaxInFlight = maxInFlight,
            RequestsPerMinute = rpm,
            TokensPerMinute = tpm,
            ContextWindow = contextWindow,
            Tags = tags.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    private static PriceConfig? ReadPrice(ConfigMapping? node)
    {
        if (node is null)
        {
            return null;
        }

        var input = node.OptionalDecimal("input", 0) ?? throw new ConfigException(node.Join("input"), "is required");
        var output = node.OptionalDecimal("output", 0) ?? throw new ConfigException(node.Join("output"), "is required");
        var cacheHit = node.OptionalDecimal("cache_hit", 0);
        var cacheWrite = node.OptionalDecimal("cache_write", 0);
        var currency = node.OptionalString("currency") ?? Currencies.Usd;
        if (currency is not (Currencies.Usd or Currencies.Cny))
        {
            throw new ConfigException(node.Join("currency"), $"expected USD or CNY, got '{currency}'");
        }

        node.RejectUnknownKeys();
        return new PriceConfig(input, output, cacheHit, cacheWrite, currency);
    }
}
