using System.Globalization;

namespace Ciyuan.Core.Configuration;

/// <summary>
/// Reads <c>metrics:</c>, <c>telemetry:</c> and <c>logging:</c>. The telemetry section falls back
/// on the standard OpenTelemetry variables (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_SDK_DISABLED</c>) for what the file leaves out, so a collector set up for every other
/// service of a cluster is found the same way.
/// </summary>
internal sealed class ObservabilityConfigReader(Func<string, string?> environment, Func<string, string, string> resolveSecret)
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string HeadersVariable = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";
    public const string DisabledVariable = "OTEL_SDK_DISABLED";

    public static MetricsConfig ReadMetrics(ConfigMapping? node)
    {
        if (node is null)
        {
            return MetricsConfig.Default;
        }

        var metrics = new MetricsConfig
        {
            Enabled = node.OptionalBool("enabled") ?? MetricsConfig.Default.Enabled,
            PerKey = node.OptionalBool("per_key") ?? MetricsConfig.Default.PerKey,
        };
        node.RejectUnknownKeys();
        return metrics;
    }

    public static LoggingConfig ReadLogging(ConfigMapping? node)
    {
        if (node is null)
        {
            return LoggingConfig.Default;
        }

        var format = node.OptionalString("format") switch
        {
            null or "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            var other => throw new ConfigException(node.Join("format"), $"expected text or json, got '{other}'"),
        };
        var logging = new LoggingConfig { Format = format, Requests = node.OptionalBool("requests") ?? false };
        node.RejectUnknownKeys();
        return logging;
    }

    public TelemetryConfig ReadTelemetry(ConfigMapping? node)
    {
        var enabled = node?.OptionalBool("enabled");
        var endpointText = node?.OptionalString("endpoint");
        var protocolText = node?.OptionalString("protocol");
        var serviceName = node?.OptionalString("service_name");
        var ratio = node?.OptionalDecimal("sampling_ratio", 0);
        var headers = node?.OptionalMapping("headers") is { } headerNode ? ReadHeaders(headerNode) : null;
        var captureContent = node?.OptionalBool("capture_content") ?? false;
        node?.RejectUnknownKeys();

        if (ratio > 1)
        {
            throw new ConfigException(node!.Join("sampling_ratio"), $"must be between 0 and 1, got {ratio.Value.ToString(CultureInfo.InvariantCulture)}");
        }

        // The file wins; the environment fills in what it leaves out. OTEL_SDK_DISABLED turns traces
        // off only when the file does not ask for them explicitly.
        var endpointPath = endpointText is null ? EndpointVariable : node!.Join("endpoint");
        endpointText ??= Env(EndpointVariable);
        var protocolPath = protocolText is null ? ProtocolVariable : node!.Join("protocol");
        protocolText ??= Env(ProtocolVariable);
        var disabled = enabled == false || (enabled is null && string.Equals(Env(DisabledVariable), "true", StringComparison.OrdinalIgnoreCase));

        return new TelemetryConfig
        {
            Endpoint = disabled || endpointText is null ? null : ParseEndpoint(endpointPath, endpointText),
            Protocol = protocolText is null ? TelemetryConfig.Default.Protocol : ParseProtocol(protocolPath, protocolText),
            ServiceName = serviceName ?? Env(ServiceNameVariable) ?? TelemetryConfig.DefaultServiceName,
            SamplingRatio = ratio is { } r ? (double)r : TelemetryConfig.Default.SamplingRatio,
            Headers = headers ?? Env(HeadersVariable),
            CaptureContent = captureContent,
        };
    }

    private string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>Export headers as OTLP's <c>name=value,name=value</c>; values may be <c>env:NAME</c> (a collector's API key).</summary>
    private string ReadHeaders(ConfigMapping node) =>
        string.Join(",", node.StringMap().Select(h => $"{h.Key}={resolveSecret(node.Join(h.Key), h.Value)}"));

    private static Uri ParseEndpoint(string path, string text) =>
        Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ConfigException(path, $"expected the collector's http:// or https:// URL, got '{text}'");

    private static OtlpProtocol ParseProtocol(string path, string text) => text switch
    {
        "grpc" => OtlpProtocol.Grpc,
        "http/protobuf" => OtlpProtocol.HttpProtobuf,
        _ => throw new ConfigException(path, $"expected grpc or http/protobuf, got '{text}'"),
    };
}
