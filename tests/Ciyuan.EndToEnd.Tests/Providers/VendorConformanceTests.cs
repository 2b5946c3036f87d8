using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ciyuan.Core.Metering;
using Ciyuan.EndToEnd.Tests.Fixtures;
using Ciyuan.Testing.Upstream;

namespace Ciyuan.EndToEnd.Tests.Providers;

/// <summary>
/// Each vendor's recorded responses (the vendor shapes of docs/vendors.md) replayed by the upstream test
/// server behind a provider of that kind: what the OpenAI client receives must equal the normalised
/// golden output, and the ledger line must carry the vendor's usage (or, for errors, bill nothing).
/// </summary>
public sealed class VendorConformanceTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Golden", "Providers");

    private static string Yaml(string kind) => $$"""
        providers:
          vendor:
            kind: {{kind}}
            base_url: "{upstream}"
            api_key: test-key
        models:
          - name: m
            deployments:
              - provider: vendor
                model: vendor-model
                price: { input: 1, output: 2, currency: USD }
        """;

    public static TheoryData<string, string> Cases(string suffix)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*" + suffix, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file)[..^suffix.Length]);
        }

        return data;
    }

    public static TheoryData<string, string> StreamCases() => Cases(".upstream.sse");

    public static TheoryData<string, string> CompletionCases() => Cases(".upstream.json");

    [Theory]
    [MemberData(nameof(StreamCases))]
    public async Task Stream_VendorRecording_ReachesTheClientNormalisedAndIsMetered(string kind, string name)
    {
        var upstreamBody = await File.ReadAllTextAsync(Path.Combine(Root, kind, name + ".upstream.sse"));
        var expected = await File.ReadAllTextAsync(Path.Combine(Root, kind, name + ".client.sse"));
        await using var gateway = await GatewayFixture.StartAsync(Yaml(kind));
        gateway.Upstream.Default = new Raw(200, "text/event-stream", upstreamBody);

        var content = PromptFor(LastUsage(SseText.DataPayloads(expected)));
        var response = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"{{content}}"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SseText.DataPayloads(expected), SseText.DataPayloads(body));
        var row = Assert.Single(await gateway.LedgerAsync());
        if (LastUsage(SseText.DataPayloads(expected)) is { } usage)
        {
            Assert.False(row.UsageEstimated);
            Assert.Equal(usage["prompt_tokens"]!.GetValue<long>(), row.Usage.PromptTokens);
            Assert.Equal(usage["completion_tokens"]!.GetValue<long>(), row.Usage.Output);
        }
    }

    [Theory]
    [MemberData(nameof(CompletionCases))]
    public async Task Completion_VendorRecording_ReachesTheClientNormalisedAndIsMetered(string kind, string name)
    {
        var upstreamBody = await File.ReadAllTextAsync(Path.Combine(Root, kind, name + ".upstream.json"));
        var expected = await File.ReadAllTextAsync(Path.Combine(Root, kind, name + ".client.json"));
        await using var gateway = await GatewayFixture.StartAsync(Yaml(kind));
        gateway.Upstream.Default = new Raw(200, "application/json", upstreamBody);

        var content = PromptFor(JsonNode.Parse(expected)!["usage"] as JsonObject);
        var response = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"m","messages":[{"role":"user","content":"{{content}}"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.TrimEnd(), body.TrimEnd());
        var row = Assert.Single(await gateway.LedgerAsync());
        if (JsonNode.Parse(expected)!["usage"] is JsonObject usage)
        {
            Assert.False(row.UsageEstimated);
            Assert.Equal(usage["prompt_tokens"]!.GetValue<long>(), row.Usage.PromptTokens);
            Assert.Equal(usage["completion_tokens"]!.GetValue<long>(), row.Usage.Output);
        }
    }

    /// <summary>
    /// A prompt as long as the one the recording was made with: the gateway counts no more prompt
    /// tokens than a request's bytes (a recording replayed for a two-letter prompt would be a vendor
    /// claiming tokens it never received, which is flagged suspect).
    /// </summary>
    private static string PromptFor(JsonObject? usage) =>
        new('x', (int)Math.Max(2, usage?["prompt_tokens"]?.GetValue<long>() ?? 2));

    [Theory]
    [InlineData("deepseek", "insufficient-balance", 402, "insufficient")]
    [InlineData("moonshot", "suspended", 429, "suspended")]
    [InlineData("dashscope", "arrearage", 400, "good standing")]
    [InlineData("zhipu", "arrears-1113", 429, "recharge")]
    [InlineData("minimax", "insufficient-balance-1008", 200, "balance")]
    [InlineData("ark", "account-overdue", 403, "overdue")]
    [InlineData("stepfun", "moderation", 451, "")]
    [InlineData("llamacpp", "loading-model", 503, "Loading model")]
    public async Task Error_VendorRecording_IsAnErrorForTheClientAndBillsNothing(string kind, string name, int upstreamStatus, string messagePart)
    {
        var upstreamBody = await File.ReadAllTextAsync(Path.Combine(Root, kind, name + ".error.json"));
        await using var gateway = await GatewayFixture.StartAsync(Yaml(kind));
        gateway.Upstream.Default = new Fail(upstreamStatus, upstreamBody);

        var response = await gateway.Http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"m","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.True((int)response.StatusCode >= 400, $"HTTP {(int)response.StatusCode}");
        Assert.Contains(messagePart, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("vendor", error["provider"]!.GetValue<string>());
        var row = Assert.Single(await gateway.LedgerAsync());
        Assert.Equal(RequestStatus.UpstreamError, row.Status);
        Assert.Equal(0, row.Cost.Value);
    }

    private static JsonObject? LastUsage(IReadOnlyList<string> payloads)
    {
        JsonObject? usage = null;
        foreach (var payload in payloads.Where(p => p.StartsWith('{')))
        {
            var node = JsonNode.Parse(payload)!;
            if (node["usage"] is JsonObject top)
            {
                usage = top;
            }
            else if (node["choices"] is JsonArray { Count: > 0 } choices && choices[0]!["usage"] is JsonObject inChoice)
            {
                usage = inChoice;
            }
        }

        return usage;
    }
}
