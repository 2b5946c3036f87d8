namespace Ciyuan.Core.Configuration;

/// <summary>
/// <c>telemetry:</c> — OpenTelemetry traces exported over OTLP. Off unless an endpoint is given, here
/// or by the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable (the file wins over the environment).
/// </summary>
public sealed record TelemetryConfig
{
    public const string DefaultServiceName = "ciyuan";

    /// <summary>The collector's OTLP base URL (for HTTP, <c>/v1/traces</c> is appended); null means no traces.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The OTLP transport.</summary>
    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.HttpProtobuf;

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; init; } = DefaultServiceName;

    /// <summary>
    /// The share of new traces recorded (0 to 1). A request whose client sent a <c>traceparent</c>
    /// follows the client's sampling decision instead.
    /// </summary>
    public double SamplingRatio { get; init; } = 1.0;

    /// <summary>Headers sent with every export (e.g. a collector's API key), from the file or <c>OTEL_EXPORTER_OTLP_HEADERS</c>.</summary>
    public string? Headers { get; init; }

    /// <summary>When true, spans carry the prompt and the answer's text. Off by default: prompts are the clients' data.</summary>
    public bool CaptureContent { get; init; }

    /// <summary>True when traces are recorded and exported.</summary>
    public bool TracesEnabled => Endpoint is not null;

    public static TelemetryConfig Default { get; } = new();
}
