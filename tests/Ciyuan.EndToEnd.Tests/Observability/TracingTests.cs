using System.Diagnostics;
using System.Net;
using System.Text;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Observability;

/// <summary>
/// Spans exported over OTLP to a collector running in the test: a fallback request's span tree,
/// its GenAI attributes, and the client's <c>traceparent</c> honoured and carried to each upstream.
/// </summary>
public sealed class TracingTests
{
    private static string Yaml(Uri bad, Uri collector, string protocol, double ratio, bool captureContent) => $$"""
        providers:
          good: { kind: openai-compatible, base_url: "{upstream}", jurisdiction: self-hosted }
          bad: { kind: openai-compatible, base_url: "{{bad}}", jurisdiction: self-hosted }
        models:
          - name: flaky
            deployments:
              - { provider: bad, model: broken, price: { input: 1.00, output: 2.00, currency: USD } }
              - { provider: good, model: upstream-model, price: { input: 1.00, output: 2.00, currency: USD } }
        telemetry:
          endpoint: "{{collector}}"
          protocol: {{protocol}}
          service_name: ciyuan-under-test
          sampling_ratio: {{ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
          capture_content: {{(captureContent ? "true" : "false")}}
        """;

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task FallbackRequest_ClientTraceParent_SpansNestAndCarryGenAiAttributes(string protocol)
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var bad = await UpstreamServer.StartAsync();
        bad.Default = new Fail(500, """{"error":{"message":"boom","type":"server_error"}}""");
        var endpoint = protocol == "grpc" ? collector.GrpcEndpoint : collector.HttpEndpoint;
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpan = ActivitySpanId.CreateRandom().ToHexString();

        // The ratio is 0: only the client's sampled flag can make this trace recorded.
        var gateway = await GatewayFixture.StartAsync(Yaml(bad.BaseUrl, endpoint, protocol, ratio: 0, captureContent: false));
        RecordedRequest badSaw, goodSaw;
        decimal cost;
        try
        {
            using var request = Chat("flaky", "a secret prompt");
            request.Headers.Add("traceparent", $"00-{traceId}-{clientSpan}-01");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(request)).StatusCode);
            badSaw = Assert.Single(bad.Requests);
            goodSaw = Assert.Single(gateway.Upstream.Requests);
            cost = Assert.Single(await gateway.LedgerAsync()).Cost.ToDecimal();
        }
        finally
        {
            // Stopping the gateway flushes its exporter.
            await gateway.DisposeAsync();
        }

        var spans = collector.Trace(traceId);
        var root = Assert.Single(spans, s => s.Kind == OtlpSpan.KindServer);
        Assert.Equal(clientSpan, root.ParentSpanId);
        Assert.Equal("chat flaky", root.Name);
        Assert.Equal("ciyuan-under-test", root.Resource["service.name"]);
        Assert.Equal("chat", root["gen_ai.operation.name"]);
        Assert.Equal("openai-compatible", root["gen_ai.provider.name"]);
        Assert.Equal("flaky", root["gen_ai.request.model"]);
        Assert.Equal("upstream-model", root["gen_ai.response.model"]);
        Assert.Equal(11L, root["gen_ai.usage.input_tokens"]);
        Assert.Equal(7L, root["gen_ai.usage.output_tokens"]);
        Assert.Equal(0L, root["gen_ai.usage.cache_read.input_tokens"]);
        Assert.Equal(0L, root["gen_ai.usage.reasoning.output_tokens"]);
        Assert.Equal(cost.ToString(System.Globalization.CultureInfo.InvariantCulture), root["ciyuan.cost"]);
        Assert.Equal("USD", root["ciyuan.cost.currency"]);
        Assert.Equal(2L, root["ciyuan.attempts"]);
        Assert.Equal("good/upstream-model", root["ciyuan.deployment"]);
        Assert.Null(root["gen_ai.input.messages"]);
        Assert.DoesNotContain(spans, s => s.Attributes.Values.OfType<string>().Any(v => v.Contains("a secret prompt", StringComparison.Ordinal)));

        // One child per attempt, in order, with its outcome.
        var attempts = spans.Where(s => s.Kind == OtlpSpan.KindClient).OrderBy(s => (long)s["ciyuan.attempt"]!).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(root.SpanId, a.ParentSpanId));
        Assert.Equal("bad/broken", attempts[0]["ciyuan.deployment"]);
        Assert.Equal("upstream_error", attempts[0]["ciyuan.attempt.outcome"]);
        Assert.Equal(500L, attempts[0]["http.response.status_code"]);
        Assert.Equal(OtlpSpan.StatusError, attempts[0].StatusCode);
        Assert.Equal("good/upstream-model", attempts[1]["ciyuan.deployment"]);
        Assert.Equal("ok", attempts[1]["ciyuan.attempt.outcome"]);
        Assert.Equal("chat upstream-model", attempts[1].Name);

        // Each upstream joined the trace under the attempt that called it.
        Assert.Equal($"00-{traceId}-{attempts[0].SpanId}-01", badSaw.Header("traceparent"));
        Assert.Equal($"00-{traceId}-{attempts[1].SpanId}-01", goodSaw.Header("traceparent"));
    }

    [Fact]
    public async Task CaptureContent_On_SpansCarryThePromptAndTheAnswer()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var bad = await UpstreamServer.StartAsync();
        var gateway = await GatewayFixture.StartAsync(Yaml(bad.BaseUrl, collector.HttpEndpoint, "http/protobuf", ratio: 1, captureContent: true));
        string requestId;
        try
        {
            // The first deployment is healthy here and answers.
            bad.Default = new Reply { Content = "the captured answer" };
            var response = await gateway.Http.SendAsync(Chat("flaky", "the captured prompt"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            requestId = response.Headers.GetValues("X-Ciyuan-Request-Id").Single();
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        // Other gateways of the test run share the process (and so the activity source): find this request's span.
        var root = Assert.Single(collector.Spans, s => s.Kind == OtlpSpan.KindServer && s["ciyuan.request_id"] as string == requestId);
        Assert.Contains("the captured prompt", (string)root["gen_ai.input.messages"]!, StringComparison.Ordinal);
        Assert.Contains("the captured answer", (string)root["gen_ai.output.messages"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TracesOff_ClientTraceParent_IsPassedToTheUpstreamUnchanged()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var traceParent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        using var request = Chat("test-model", "hi");
        request.Headers.Add("traceparent", traceParent);
        using var forged = Chat("test-model", "hi");
        forged.Headers.TryAddWithoutValidation("traceparent", "00-not-a-trace-id-01");

        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.SendAsync(request)).StatusCode);
        await gateway.Http.SendAsync(forged);

        Assert.Equal(traceParent, gateway.Upstream.Requests[0].Header("traceparent"));
        Assert.Null(gateway.Upstream.Requests.ElementAtOrDefault(1)?.Header("traceparent"));
    }

    private static HttpRequestMessage Chat(string model, string prompt) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{prompt}}"}]}""", Encoding.UTF8, "application/json"),
    };
}
