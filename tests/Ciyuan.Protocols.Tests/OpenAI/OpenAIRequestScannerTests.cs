using System.Text;
using Ciyuan.Protocols.Requests;

namespace Ciyuan.Protocols.Tests.OpenAI;

public sealed class RequestScannerTests
{
    private static RequestFacts ScanOk(string json)
    {
        var facts = RequestScanner.Scan(Encoding.UTF8.GetBytes(json), out var error);
        Assert.True(facts is not null, error?.Message);
        Assert.Null(error);
        return facts;
    }

    private static string ScanError(string json) => ScanRefusal(Encoding.UTF8.GetBytes(json)).Message;

    private static RequestScanError ScanRefusal(byte[] body)
    {
        var facts = RequestScanner.Scan(body, out var error);
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
    [InlineData("""{"max_tokens":77}""", 77L)]
    [InlineData("""{"max_output_tokens":77}""", 77L)]
    [InlineData("""{"max_tokens":null}""", null)]
    [InlineData("""{"max_completion_tokens":200,"max_tokens":50}""", 200L)]
    [InlineData("""{"max_tokens":200,"max_completion_tokens":50}""", 200L)]
    public void Scan_MaxOutput_IsTheLargestOfTheFields(string json, long? expected)
    {
        Assert.Equal(expected, ScanOk(json).RequestedMaxOutput);
    }

    [Theory]
    [InlineData("""{"max_tokens":1.5}""", "max_tokens")]
    [InlineData("""{"max_tokens":"100"}""", "max_tokens")]
    [InlineData("""{"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"max_tokens":-1000000000}""", "max_tokens")]
    [InlineData("""{"max_tokens":1e18}""", "max_tokens")]
    [InlineData("""{"max_tokens":1000000000000000000}""", "max_tokens")]
    [InlineData("""{"max_tokens":[1,2]}""", "max_tokens")]
    [InlineData("""{"max_completion_tokens":200,"max_tokens":-1000000000}""", "max_tokens")]
    [InlineData("""{"max_completion_tokens":true}""", "max_completion_tokens")]
    [InlineData("""{"n":0}""", "n")]
    [InlineData("""{"n":-2}""", "n")]
    [InlineData("""{"n":"3"}""", "n")]
    [InlineData("""{"n":129}""", "n")]
    [InlineData("""{"n":{"x":1}}""", "n")]
    [InlineData("""{"thinking_budget":-1}""", "thinking_budget")]
    [InlineData("""{"thinking":{"type":"enabled","budget_tokens":"9000"}}""", "thinking.budget_tokens")]
    [InlineData("""{"reasoning":{"max_tokens":2.5}}""", "reasoning.max_tokens")]
    public void Scan_InvalidTokenField_IsRefusedNamingIt(string json, string field)
    {
        var refusal = ScanRefusal(Encoding.UTF8.GetBytes(json));

        Assert.Equal(RequestScanError.InvalidValue, refusal.Code);
        Assert.Equal(field, refusal.Param);
        Assert.StartsWith(field + " must be a whole number", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"max_tokens":1,"max_tokens":200}""", "max_tokens")]
    [InlineData("""{"max_tokens":1,"max_tokens":"200"}""", "max_tokens")]
    [InlineData("""{"model":"a","model":"b"}""", "model")]
    [InlineData("""{"max_tokens":1,"max\u005ftokens":200}""", "max_tokens")]
    [InlineData("""{"thinking":{"budget_tokens":1,"budget_tokens":9000}}""", "thinking.budget_tokens")]
    public void Scan_DuplicateKey_IsRefusedNamingIt(string json, string field)
    {
        var refusal = ScanRefusal(Encoding.UTF8.GetBytes(json));

        Assert.Equal(RequestScanError.DuplicateKey, refusal.Code);
        Assert.Equal(field, refusal.Param);
    }

    [Fact]
    public void Scan_SameNameInDifferentObjects_IsNotADuplicate()
    {
        var facts = ScanOk("""{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],"metadata":{"model":"x"}}""");

        Assert.Equal("m", facts.Model);
    }

    [Fact]
    public void Scan_TokenFieldsAndChoices_AreAllKept()
    {
        var facts = ScanOk("""{"max_tokens":100,"n":3,"thinking_budget":50,"reasoning":{"max_tokens":20},"logprobs":true}""");

        Assert.Equal(100, facts.RequestedMaxOutput);
        Assert.Equal(3, facts.Choices);
        Assert.Equal(50, facts.ThinkingBudget);
        Assert.Equal(20, facts.ReasoningMaxTokens);
        Assert.True(facts.LogprobsRequested);
    }

    [Fact]
    public void Scan_AnthropicThinkingBudget_IsRead()
    {
        Assert.Equal(9000, ScanOk("""{"max_tokens":16000,"thinking":{"type":"enabled","budget_tokens":9000}}""").ThinkingBudget);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'m', (byte)'o', (byte)'d', (byte)'e', (byte)'l', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' }, "model")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'[', (byte)'"', (byte)'o', (byte)'k', (byte)'"', (byte)',', (byte)'"', 0xFF, (byte)'"', (byte)']', (byte)'}' }, "a[1]")]
    public void Scan_InvalidUtf8_IsRefusedNamingTheField(byte[] body, string field)
    {
        var refusal = ScanRefusal(body);

        Assert.Equal(RequestScanError.InvalidEncoding, refusal.Code);
        Assert.Equal(field, refusal.Param);
    }

    [Theory]
    [InlineData("""{"model":"a\ud800b"}""", "model")]
    [InlineData("""{"messages":[{"role":"user","content":"x"},{"role":"user","content":"\udc00"}]}""", "messages[1].content")]
    [InlineData("""{"system":[{"type":"text","text":"\ud83d"}]}""", "system[0].text")]
    public void Scan_LoneSurrogateEscape_IsRefusedNamingTheField(string json, string field)
    {
        var refusal = ScanRefusal(Encoding.UTF8.GetBytes(json));

        Assert.Equal(RequestScanError.InvalidEncoding, refusal.Code);
        Assert.Equal(field, refusal.Param);
    }

    [Fact]
    public void Scan_PairedSurrogateEscape_IsText()
    {
        Assert.Equal("😀", ScanOk("""{"model":"\ud83d\ude00"}""").Model);
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
    [InlineData("""{"metadata":{"max_tokens":[1,2]},"model":"gpt"}""")]
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
