using System.Buffers;
using System.Text;
using System.Text.Json;
using Ciyuan.Protocols.Requests;
using Ciyuan.Testing.Files;

namespace Ciyuan.Protocols.Tests.OpenAI;

public sealed class RequestPatcherTests
{
    private const string Folder = "Protocols/OpenAI/RequestPatcher";
    private const string UpstreamModel = "upstream-model";

    public static TheoryData<string> GoldenCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in GoldenFile.CaseNames(Folder, ".input.json"))
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>
    /// The gateway's rule (OpenAIProxyHandler): replace the model, and force include_usage when the
    /// client streams. Expected files are written by hand, byte for byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Patch_GoldenRequest_ProducesExpectedBytes(string name)
    {
        var input = GoldenFile.ReadBytes($"{Folder}/{name}.input.json");
        var expected = GoldenFile.ReadBytes($"{Folder}/{name}.expected.json");

        var actual = ScanAndPatch(input, UpstreamModel, forceFromStream: true);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Patch_GoldenRequest_OutputIsValidAndRescansAsPatched(string name)
    {
        var input = GoldenFile.ReadBytes($"{Folder}/{name}.input.json");
        var before = RequestScanner.Scan(input, out _)!;

        var patched = ScanAndPatch(input, UpstreamModel, forceFromStream: true);
        var after = RequestScanner.Scan(patched, out var error);

        Assert.Null(error);
        Assert.NotNull(after);
        Assert.Equal(before.Model is null ? null : UpstreamModel, after.Model);
        Assert.Equal(before.Stream, after.Stream);
        if (before.Stream)
        {
            Assert.True(after.IncludeUsageRequested);
        }
    }

    [Theory]
    [InlineData("{}", "{\"stream_options\":{\"include_usage\":true}}")]
    [InlineData("{ \n }", "{\"stream_options\":{\"include_usage\":true} \n }")]
    [InlineData("{\"a\":1}", "{\"stream_options\":{\"include_usage\":true},\"a\":1}")]
    public void Patch_ForcedUsageOnBareObject_InsertsWithCommaOnlyWhenNeeded(string body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var facts = RequestScanner.Scan(bytes, out _)!;
        var output = new ArrayBufferWriter<byte>();

        RequestPatcher.Patch(bytes, facts, UpstreamModel, forceIncludeUsage: true, output);

        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Patch_EmptyObjectNotStreaming_IsUnchanged()
    {
        Assert.Equal("{}"u8.ToArray(), ScanAndPatch("{}"u8.ToArray(), UpstreamModel, forceFromStream: true));
    }

    [Theory]
    [InlineData("a\"b\\c")]
    [InlineData("模型/qwen+max")]
    [InlineData("line\nbreak")]
    public void Patch_UpstreamModelNeedingEscapes_StaysValidJson(string upstream)
    {
        var body = "{\"model\":\"alias\",\"messages\":[]}"u8.ToArray();

        var patched = ScanAndPatch(body, upstream, forceFromStream: true);

        using var document = JsonDocument.Parse(patched);
        Assert.Equal(upstream, document.RootElement.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("messages").ValueKind);
    }

    [Theory]
    [InlineData("deepseek-chat")]
    [InlineData("Qwen/Qwen3-235B-A22B")]
    [InlineData("accounts/fireworks/models/llama-v3p1-8b-instruct")]
    [InlineData("ep-20261201:v1.2_beta")]
    public void Patch_PlainUpstreamModel_WritesWhatTheSerializerWrites(string upstream)
    {
        var body = "{\"model\":\"alias\",\"messages\":[]}"u8.ToArray();

        var patched = ScanAndPatch(body, upstream, forceFromStream: false);

        var expected = "{\"model\":"u8.ToArray().Concat(JsonSerializer.SerializeToUtf8Bytes(upstream)).Concat(",\"messages\":[]}"u8.ToArray());
        Assert.Equal(expected, patched);
    }

    private static byte[] ScanAndPatch(byte[] body, string upstreamModel, bool forceFromStream)
    {
        var facts = RequestScanner.Scan(body, out var error);
        Assert.True(facts is not null, error?.Message);
        var output = new ArrayBufferWriter<byte>();
        RequestPatcher.Patch(body, facts, upstreamModel, forceIncludeUsage: forceFromStream && facts.Stream, output);
        return output.WrittenSpan.ToArray();
    }
}
