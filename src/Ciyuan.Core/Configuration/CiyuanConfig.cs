using System.Collections.Frozen;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// The validated, immutable configuration snapshot. Built once by <see cref="ConfigLoader"/>;
/// everything downstream receives this and never the raw file.
/// </summary>
public sealed record CiyuanConfig
{
    public ServerConfig Server { get; init; } = ServerConfig.Default;

    public StorageConfig Storage { get; init; } = StorageConfig.Default;

    public FrozenDictionary<string, ProviderConfig> Providers { get; init; } = FrozenDictionary<string, ProviderConfig>.Empty;

    public IReadOnlyList<ModelAliasConfig> Models { get; init; } = [];

    public RoutingConfig Routing { get; init; } = RoutingConfig.Default;

    /// <summary>Named privacy policies, attached to keys and tightened per request with <c>X-Ciyuan-Policy</c>.</summary>
    public IReadOnlyList<PolicyConfig> Policies { get; init; } = [];

    /// <summary>Budget lines declared in config, and the time zone of calendar windows.</summary>
    public BudgetsConfig Budgets { get; init; } = BudgetsConfig.Default;

    /// <summary>Projects with limits shared by their keys, by name.</summary>
    public FrozenDictionary<string, ProjectConfig> Projects { get; init; } = FrozenDictionary<string, ProjectConfig>.Empty;

    /// <summary>Tokenizer files by family, for families Ciyuan does not ship.</summary>
    public FrozenDictionary<string, TokenizerFileConfig> Tokenizers { get; init; } = FrozenDictionary<string, TokenizerFileConfig>.Empty;

    /// <summary>The Prometheus endpoint <c>/metrics</c>.</summary>
    public MetricsConfig Metrics { get; init; } = MetricsConfig.Default;

    /// <summary>OpenTelemetry traces (off unless a collector is configured).</summary>
    public TelemetryConfig Telemetry { get; init; } = TelemetryConfig.Default;

    /// <summary>The console log's format and whether each request gets a line.</summary>
    public LoggingConfig Logging { get; init; } = LoggingConfig.Default;

    /// <summary>Where the config came from, for messages ("built-in defaults" or a file path).</summary>
    public string Source { get; init; } = "built-in defaults";

    public static CiyuanConfig Empty { get; } = new();
}
