using Ciyuan.Core.Configuration;

namespace Ciyuan.Core.Tests.Configuration;

/// <summary><c>metrics:</c>, <c>telemetry:</c> (with the standard <c>OTEL_*</c> variables) and <c>logging:</c>, and <c>server.metrics_token</c>.</summary>
public sealed class ObservabilityConfigTests
{
    private static CiyuanConfig Parse(string yaml, Dictionary<string, string>? environment = null) =>
        new ConfigLoader(NoProviderDefaults.Instance, name => environment?.GetValueOrDefault(name)).Parse(yaml, "test.yaml");

    private static string ErrorOf(string yaml, Dictionary<string, string>? environment = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, environment)).Message;

    [Fact]
    public void Parse_NoSections_MetricsOnTracesOffTextLogs()
    {
        var config = Parse("server: { max_body_bytes: 4096 }");

        Assert.True(config.Metrics.Enabled);
        Assert.False(config.Metrics.PerKey);
        Assert.False(config.Telemetry.TracesEnabled);
        Assert.False(config.Telemetry.CaptureContent);
        Assert.Equal(LogFormat.Text, config.Logging.Format);
        Assert.False(config.Logging.Requests);
        Assert.Null(config.Server.MetricsToken);
    }

    [Fact]
    public void Parse_EverySection_ReadsEveryField()
    {
        var config = Parse("""
            server: { metrics_token: env:METRICS_TOKEN }
            metrics: { enabled: false, per_key: true }
            telemetry:
              endpoint: http://collector:4318/
              protocol: http/protobuf
              service_name: gateway-eu
              sampling_ratio: 0.25
              headers: { x-api-key: env:COLLECTOR_KEY }
              capture_content: true
            logging: { format: json, requests: true }
            """, new() { ["METRICS_TOKEN"] = "scrape-token-123", ["COLLECTOR_KEY"] = "collector-secret" });

        Assert.Equal("scrape-token-123", config.Server.MetricsToken);
        Assert.False(config.Metrics.Enabled);
        Assert.True(config.Metrics.PerKey);
        Assert.Equal(new Uri("http://collector:4318"), config.Telemetry.Endpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, config.Telemetry.Protocol);
        Assert.Equal("gateway-eu", config.Telemetry.ServiceName);
        Assert.Equal(0.25, config.Telemetry.SamplingRatio);
        Assert.Equal("x-api-key=collector-secret", config.Telemetry.Headers);
        Assert.True(config.Telemetry.CaptureContent);
        Assert.Equal(LogFormat.Json, config.Logging.Format);
        Assert.True(config.Logging.Requests);
    }

    [Fact]
    public void Parse_OtelVariables_FillWhatTheFileLeavesOut()
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = "from-env",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer abc",
        };

        var fromEnvironment = Parse("", environment).Telemetry;
        var fileWins = Parse("telemetry: { endpoint: http://file:4318, protocol: http/protobuf, service_name: from-file }", environment).Telemetry;

        Assert.Equal(new Uri("http://otel:4317"), fromEnvironment.Endpoint);
        Assert.Equal(OtlpProtocol.Grpc, fromEnvironment.Protocol);
        Assert.Equal("from-env", fromEnvironment.ServiceName);
        Assert.Equal("authorization=Bearer abc", fromEnvironment.Headers);
        Assert.Equal(new Uri("http://file:4318"), fileWins.Endpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, fileWins.Protocol);
        Assert.Equal("from-file", fileWins.ServiceName);
    }

    [Fact]
    public void Parse_TracesSwitchedOff_ByTheFileOrOtelSdkDisabled()
    {
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317" };

        Assert.False(Parse("telemetry: { enabled: false }", environment).Telemetry.TracesEnabled);
        Assert.False(Parse("", new(environment) { ["OTEL_SDK_DISABLED"] = "true" }).Telemetry.TracesEnabled);
        Assert.True(Parse("telemetry: { enabled: true }", new(environment) { ["OTEL_SDK_DISABLED"] = "true" }).Telemetry.TracesEnabled);
    }

    [Theory]
    [InlineData("telemetry: { protocol: http/json, endpoint: http://x:1 }", "telemetry.protocol: expected grpc or http/protobuf, got 'http/json'")]
    [InlineData("telemetry: { endpoint: collector:4317 }", "telemetry.endpoint: expected the collector's http:// or https:// URL")]
    [InlineData("telemetry: { sampling_ratio: 1.5 }", "telemetry.sampling_ratio: must be between 0 and 1")]
    [InlineData("telemetry: { sampling_ratio: -0.1 }", "telemetry.sampling_ratio: must be >= 0")]
    [InlineData("telemetry: { exporter: zipkin }", "telemetry.exporter: unknown key")]
    [InlineData("metrics: { per_key: maybe }", "metrics.per_key: expected true or false")]
    [InlineData("metrics: { labels: [key] }", "metrics.labels: unknown key")]
    [InlineData("logging: { format: xml }", "logging.format: expected text or json, got 'xml'")]
    [InlineData("server: { metrics_token: short }", "server.metrics_token: must be at least 8 characters")]
    [InlineData("server: { metrics_token: env:NOT_SET_ANYWHERE }", "server.metrics_token: environment variable 'NOT_SET_ANYWHERE' is not set")]
    public void Parse_BadValue_ErrorNamesThePath(string yaml, string expected) =>
        Assert.StartsWith(expected, ErrorOf(yaml), StringComparison.Ordinal);

    [Fact]
    public void Parse_BadOtelVariable_ErrorNamesTheVariable() =>
        Assert.StartsWith("OTEL_EXPORTER_OTLP_PROTOCOL: expected grpc or http/protobuf",
            ErrorOf("", new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json" }), StringComparison.Ordinal);
}
