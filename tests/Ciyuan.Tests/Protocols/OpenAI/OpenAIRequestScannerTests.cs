using System.Text;
using Ciyuan.Protocols.OpenAI;

namespace Ciyuan.Tests.Protocols.OpenAI;

public sealed class OpenAIRequestScannerTests
{
    private static OpenAIRequestFacts ScanOk(string json)
    {
        var facts = OpenAIRequestScanner.Scan(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(facts is not null, error);
        Assert.Null(error);
        return facts;
    }

    private static string ScanError(string json)
    {
        var facts = OpenAIRequestScanner.Scan(Encoding.UTF8.GetBytes(json), out var error);
        Assert.Null(facts);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void Scan_ChatRequest_FindsRoutingAndMeteringFacts()
    {
        const string json = """{"model":"gpt-x","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":512,"n":2}""";
        var bytes = Encoding.UTF8.GetBytes(json);

        var facts = ScanOk(json);

        Assert.Equal("gpt-x", facts.Model);
        Assert.Equal("\"gpt-x\"", Encoding.UTF8.GetString(bytes.AsSpan()[facts.ModelValue]));
        Assert.True(facts.Stream);
        Assert.True(facts.IncludeUsageRequested);
        Assert.Equal("{\"include_usage\":true}", Encoding.UTF8.GetString(bytes.AsSpan()[facts.StreamOptionsValue!.Value]));
        Assert.Equal(512, facts.MaxTokens);
        Assert.Equal(2, facts.Choices);
        Assert.Equal("""[{"role":"user","content":"hi"}]""".Length, facts.PromptBytes);
        Assert.Equal(1, facts.ObjectStart);
    }

    [Fact]
    public void Scan_Defaults_WhenFieldsAbsent()
    {
        var facts = ScanOk("  {}  ");

        Assert.Null(facts.Model);
        Assert.False(facts.Stream);
        Assert.False(facts.IncludeUsageRequested);
        Assert.Null(facts.StreamOptionsValue);
        Assert.Null(facts.MaxTokens);
        Assert.Equal(1, facts.Choices);
        Assert.Equal(0, facts.PromptBytes);
        Assert.Equal(3, facts.ObjectStart);
    }

    [Theory]
    [InlineData("""{"max_completion_tokens":77}""", 77L)]
    [InlineData("""{"max_tokens":1.5}""", null)]
    [InlineData("""{"max_tokens":"100"}""", null)]
    [InlineData("""{"max_tokens":null}""", null)]
    public void Scan_MaxTokens_ReadsEitherNameWhenInteger(string json, long? expected)
    {
        Assert.Equal(expected, ScanOk(json).MaxTokens);
    }

    [Theory]
    [InlineData("""{"n":0}""", 1)]
    [InlineData("""{"n":-2}""", 1)]
    [InlineData("""{"n":"3"}""", 1)]
    [InlineData("""{"n":4}""", 4)]
    public void Scan_N_OnlyPositiveIntegersCount(string json, int expected)
    {
        Assert.Equal(expected, ScanOk(json).Choices);
    }

    [Theory]
    [InlineData("""{"stream":"true"}""")]
    [InlineData("""{"stream":1}""")]
    [InlineData("""{"stream":null}""")]
    [InlineData("""{"stream":false}""")]
    public void Scan_StreamNotLiteralTrue_IsNotStreaming(string json)
    {
        Assert.False(ScanOk(json).Stream);
    }

    [Fact]
    public void Scan_EmbeddingsInput_CountsPromptBytes()
    {
        var facts = ScanOk("""{"input":["ab","cd"],"model":"emb"}""");

        Assert.Equal("""["ab","cd"]""".Length, facts.PromptBytes);
        Assert.Equal("emb", facts.Model);
    }

    [Fact]
    public void Scan_ModelNotString_LeavesModelUnset()
    {
        Assert.Null(ScanOk("""{"model":{"name":"x"},"stream":true}""").Model);
    }

    [Fact]
    public void Scan_EscapedModel_IsUnescaped()
    {
        Assert.Equal("qwen-local/你", ScanOk("""{"model":"qwen\u002dlocal\/\u4f60"}""").Model);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"model\":\"x\"}]")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Scan_NonObjectBody_IsRejected(string json)
    {
        Assert.Equal("the request body must be a JSON object", ScanError(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"model\":\"x\"")]
    [InlineData("{\"model\":}")]
    [InlineData("{\"model\":\"x\",}")]
    [InlineData("{'model':'x'}")]
    [InlineData("{\"model\":\"x\" /* c */}")]
    [InlineData("{\"model\":\"unterminated}")]
    [InlineData("{model:\"x\"}")]
    public void Scan_MalformedJson_IsRejectedWithMessage(string json)
    {
        var error = ScanError(json);

        Assert.StartsWith("the request body ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_MalformedJson_MessageNamesLine()
    {
        var error = ScanError("{\n  \"model\": \"x\",\n  \"messages\": [,]\n}");

        Assert.StartsWith("the request body is not valid JSON (line 3, byte ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{} x")]
    [InlineData("{}{}")]
    [InlineData("{\"model\":\"x\"}\n{\"model\":\"y\"}")]
    [InlineData("{\"model\":\"x\"}]")]
    public void Scan_TrailingGarbage_IsRejected(string json)
    {
        var error = ScanError(json);

        Assert.StartsWith("the request body ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_TrailingWhitespace_IsAccepted()
    {
        Assert.Equal("x", ScanOk("{\"model\":\"x\"}\r\n\t ").Model);
    }

    [Fact]
    public void Scan_TooDeep_IsRejected()
    {
        var json = "{\"a\":" + new string('[', 300) + new string(']', 300) + "}";

        Assert.StartsWith("the request body is not valid JSON", ScanError(json), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"stream":{"model":"inner"},"model":"gpt"}""")]
    [InlineData("""{"max_tokens":[1,2],"model":"gpt"}""")]
    [InlineData("""{"n":{"x":1},"model":"gpt"}""")]
    [InlineData("""{"stream_options":{"include_usage":{"model":"inner"}},"model":"gpt"}""")]
    public void Scan_ValidObjectWithStructuredValueInScalarField_IsNotMisread(string json)
    {
        // Valid JSON objects: whatever the upstream thinks of these values, the scanner must not read
        // the nested members as top-level ones or call the body "not exactly one JSON object".
        var facts = ScanOk(json);

        Assert.Equal("gpt", facts.Model);
        Assert.False(facts.Stream);
    }
}
