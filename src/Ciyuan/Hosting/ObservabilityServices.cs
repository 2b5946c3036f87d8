using System.Diagnostics.Metrics;
using Ciyuan.Core.Configuration;
using Ciyuan.Gateway.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ciyuan.Hosting;

/// <summary>
/// Wires the gateway's meter and activity source to OpenTelemetry's SDK: metrics to the Prometheus
/// exporter behind <c>/metrics</c> (<c>metrics.enabled</c>), spans to an OTLP collector
/// (<c>telemetry:</c> or the <c>OTEL_*</c> variables). With both off, no SDK object is created and the
/// instruments have no listener, so recording them costs a flag check.
/// </summary>
internal static class ObservabilityServices
{
    public static IServiceCollection AddCiyuanObservability(this IServiceCollection services, CiyuanConfig config, Meter meter)
    {
        if (!config.Metrics.Enabled && !config.Telemetry.TracesEnabled)
        {
            return services;
        }

        var telemetry = config.Telemetry;
        var otel = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(telemetry.ServiceName, serviceVersion: TelemetryNames.Version));
        if (config.Metrics.Enabled)
        {
            otel.WithMetrics(metrics => metrics
                .AddMeter(TelemetryNames.Meter)
                // Meters are process-wide by name: this host reads its own instance only, not another gateway's in the same process.
                .AddView(instrument => ReferenceEquals(instrument.Meter, meter) ? null : MetricStreamConfiguration.Drop)
                .AddPrometheusExporter(prometheus =>
                {
                    // Every scrape sees the counters as they are: the ledger comparison must not read a cached page.
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    prometheus.ScrapeEndpointPath = Http.MetricsEndpoint.Path;
                    // One meter: the otel_scope_* labels on every series would say nothing.
                    prometheus.ScopeInfoEnabled = false;
                }));
        }

        if (telemetry.TracesEnabled)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(TelemetryNames.ActivitySource)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.SamplingRatio)))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = telemetry.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = TracesEndpoint(telemetry);
                    if (telemetry.Headers is { } headers)
                    {
                        otlp.Headers = headers;
                    }
                }));
        }

        return services;
    }

    /// <summary>
    /// The URL spans are posted to. Like <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, the configured endpoint
    /// is the collector's base: over HTTP the signal's path <c>/v1/traces</c> is appended (unless given).
    /// </summary>
    public static Uri TracesEndpoint(TelemetryConfig telemetry)
    {
        var endpoint = telemetry.Endpoint!;
        if (telemetry.Protocol == OtlpProtocol.Grpc || endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal))
        {
            return endpoint;
        }

        return new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/v1/traces");
    }
}
