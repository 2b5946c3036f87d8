using System.Text;
using System.Text.Json;
using Ciyuan.Core.Providers;
using Ciyuan.Providers.Http;
using Ciyuan.Providers.Profiles;
using Ciyuan.Testing.Files;

namespace Ciyuan.Providers.Tests.Profiles;

/// <summary>
/// Recorded vendor shapes (docs/vendors.md) in <c>Golden/Providers/&lt;kind&gt;/</c>: each
/// <c>*.upstream.sse|json</c> must normalize to its <c>*.client.sse|json</c> byte for byte (identical
/// files mean "forwarded unchanged"), and each <c>*.error.json</c> must classify as the vendor means it.
/// </summary>
public sealed class VendorConformanceTests
{
    private const string Root = "Providers";

    public static TheoryData<string, string> StreamCases() => Cases(".upstream.sse");

    public static TheoryData<string, string> CompletionCases() => Cases(".upstream.json");

    [Theory]
    [MemberData(nameof(StreamCases))]
    public void Normalize_RecordedStream_MatchesClientGolden(string kind, string name)
    {
        var upstream = GoldenFile.ReadBytes($"{Root}/{kind}/{name}.upstream.sse");
        var expected = GoldenFile.ReadBytes($"{Root}/{kind}/{name}.client.sse");
        var profile = ProviderProfiles.For(kind, ModelOf(SseReplay.Payloads(upstream).First()));

        var actual = SseReplay.Normalize(ResponseNormalizer.CreateStreamNormalizer(profile), upstream);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CompletionCases))]
    public void NormalizeCompletion_RecordedBody_MatchesClientGolden(string kind, string name)
    {
        var upstream = GoldenFile.ReadBytes($"{Root}/{kind}/{name}.upstream.json");
        var expected = GoldenFile.ReadBytes($"{Root}/{kind}/{name}.client.json");
        var profile = ProviderProfiles.For(kind, ModelOf(Encoding.UTF8.GetString(upstream)));

        var actual = ResponseNormalizer.NormalizeCompletion(profile, upstream) ?? upstream;

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
    }

    [Theory]
    [InlineData("deepseek", "insufficient-balance", 402, ProviderFailureKind.OutOfBalance)]
    [InlineData("deepseek", "content-risk", 400, ProviderFailureKind.ContentFiltered)]
    [InlineData("deepseek", "reasoning-not-passed-back", 400, ProviderFailureKind.BadRequest)]
    [InlineData("moonshot", "content-filter", 400, ProviderFailureKind.ContentFiltered)]
    [InlineData("moonshot", "token-limit", 400, ProviderFailureKind.ContextTooLong)]
    [InlineData("moonshot", "suspended", 429, ProviderFailureKind.OutOfBalance)]
    [InlineData("moonshot", "overloaded", 429, ProviderFailureKind.Overloaded)]
    [InlineData("dashscope", "data-inspection", 400, ProviderFailureKind.ContentFiltered)]
    [InlineData("dashscope", "arrearage", 400, ProviderFailureKind.OutOfBalance)]
    [InlineData("dashscope", "non-stream-thinking", 400, ProviderFailureKind.BadRequest)]
    [InlineData("zhipu", "arrears-1113", 429, ProviderFailureKind.OutOfBalance)]
    [InlineData("zhipu", "prompt-too-long-1261", 400, ProviderFailureKind.ContextTooLong)]
    [InlineData("zhipu", "unsafe-1301", 400, ProviderFailureKind.ContentFiltered)]
    [InlineData("minimax", "insufficient-balance-1008", 200, ProviderFailureKind.OutOfBalance)]
    [InlineData("minimax", "input-sensitive-1026", 200, ProviderFailureKind.ContentFiltered)]
    [InlineData("ark", "account-overdue", 403, ProviderFailureKind.OutOfBalance)]
    [InlineData("ark", "input-risk", 400, ProviderFailureKind.ContentFiltered)]
    [InlineData("qianfan", "tokens-too-long", 400, ProviderFailureKind.ContextTooLong)]
    [InlineData("qianfan", "rpm-limit", 429, ProviderFailureKind.RateLimited)]
    [InlineData("stepfun", "moderation", 451, ProviderFailureKind.ContentFiltered)]
    [InlineData("stepfun", "insufficient-balance", 402, ProviderFailureKind.OutOfBalance)]
    [InlineData("vllm", "context-length-flat", 400, ProviderFailureKind.ContextTooLong)]
    [InlineData("vllm", "model-not-found", 404, ProviderFailureKind.NotFound)]
    [InlineData("ollama", "model-not-found", 404, ProviderFailureKind.NotFound)]
    [InlineData("llamacpp", "loading-model", 503, ProviderFailureKind.Overloaded)]
    public void Read_RecordedVendorError_ClassifiesAsVendorMeansIt(string kind, string name, int status, ProviderFailureKind expected)
    {
        var body = GoldenFile.ReadBytes($"{Root}/{kind}/{name}.error.json");

        var failure = ProviderErrorReader.Read(status, body, retryAfter: null);

        Assert.Equal(expected, failure.Kind);
        Assert.False(string.IsNullOrEmpty(failure.Message));
    }

    [Fact]
    public void TryReadEmbeddedError_MiniMaxBaseRespWithHttp200_ReportsVendorCode()
    {
        var body = GoldenFile.ReadBytes($"{Root}/minimax/insufficient-balance-1008.error.json");

        var found = ResponseNormalizer.TryReadEmbeddedError(ProviderProfiles.For("minimax", "MiniMax-M2.7"), body, out var code, out var message);

        Assert.True(found);
        Assert.Equal(1008, code);
        Assert.Equal("insufficient balance", message);
    }

    [Fact]
    public void TryReadEmbeddedError_MiniMaxSuccessWithZeroStatus_ReportsNothing()
    {
        var body = GoldenFile.ReadBytes($"{Root}/minimax/think-tags-tool-call.upstream.json");

        Assert.False(ResponseNormalizer.TryReadEmbeddedError(ProviderProfiles.For("minimax", "MiniMax-M2.7"), body, out _, out _));
    }

    [Fact]
    public void TryReadEmbeddedError_VendorWithoutBodyErrors_IgnoresBaseResp()
    {
        var body = GoldenFile.ReadBytes($"{Root}/minimax/insufficient-balance-1008.error.json");

        Assert.False(ResponseNormalizer.TryReadEmbeddedError(ProviderProfiles.For("deepseek", "deepseek-v4-pro"), body, out _, out _));
    }

    [Fact]
    public void Read_QwenMidStreamInspectionError_IsContentFilter()
    {
        var stream = GoldenFile.ReadBytes($"{Root}/dashscope/inspection-mid-stream.upstream.sse");
        var errorPayload = Encoding.UTF8.GetBytes(SseReplay.Payloads(stream).Last());

        var failure = ProviderErrorReader.Read(200, errorPayload, retryAfter: null);

        Assert.Equal(ProviderFailureKind.ContentFiltered, failure.Kind);
    }

    private static TheoryData<string, string> Cases(string suffix)
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.EnumerateDirectories(GoldenFile.PathOf(Root)).Order(StringComparer.Ordinal))
        {
            var kind = Path.GetFileName(folder);
            foreach (var name in GoldenFile.CaseNames($"{Root}/{kind}", suffix))
            {
                data.Add(kind, name);
            }
        }

        return data;
    }

    private static string ModelOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("model", out var model) ? model.GetString() ?? string.Empty : string.Empty;
    }
}
