using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Anthropic;
using Ciyuan.Protocols.Canonical;
using Ciyuan.Protocols.Tests.Canonical;

namespace Ciyuan.Protocols.Tests.Anthropic;

public sealed class AnthropicRequestCodecTests
{
    /// <summary>A DeepSeek-like OpenAI upstream: thinking switched by the <c>thinking</c> object.</summary>
    internal static readonly OpenAIEncodeOptions DeepSeekLike = new() { UpstreamModel = "upstream-model", ThinkingStyle = ThinkingStyle.ThinkingObject };

    public static TheoryData<string> ToOpenAICases => Golden.Cases("Anthropic/RequestToOpenAI", ".in.json");

    public static TheoryData<string> ErrorCases => Golden.Cases("Anthropic/RequestErrors", ".in.json");

    [Theory]
    [MemberData(nameof(ToOpenAICases))]
    public void Decode_GoldenRequest_MatchesCanonicalAndOpenAIEncoding(string name)
    {
        var request = AnthropicRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));

        Golden.AssertText(name + ".canonical.json", CanonicalDump.Of(request));
        Golden.AssertJson(name + ".out.json", OpenAIRequestCodec.Encode(request, DeepSeekLike));
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void DecodeThenEncode_InvalidOrInexpressible_ThrowsNamingField(string name)
    {
        var error = Assert.Throws<TranslationException>(() =>
        {
            var request = AnthropicRequestCodec.Decode(Golden.ReadBytes(name + ".in.json"));
            OpenAIRequestCodec.Encode(request, DeepSeekLike);
        });

        Golden.AssertText(name + ".error.txt", error.Message + "\n");
    }

    [Fact]
    public void Encode_AnthropicSource_WritesExtensionsBack()
    {
        var body = """{"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"hi"}],"service_tier":"auto","container":{"id":"c1"}}"""u8;

        var encoded = Encoding.UTF8.GetString(AnthropicRequestCodec.Encode(AnthropicRequestCodec.Decode(body), "claude-upstream"));

        Assert.Equal("""{"model":"claude-upstream","max_tokens":100,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"service_tier":"auto","container":{"id":"c1"}}""", encoded);
    }

    [Fact]
    public void Encode_NoMaxTokens_UsesDefaultOrGivenValue()
    {
        var request = new ChatRequest { Model = "m", Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")])], SourceDialect = Dialect.OpenAI };

        Assert.Contains("\"max_tokens\":4096", Encoding.UTF8.GetString(AnthropicRequestCodec.Encode(request, "claude")), StringComparison.Ordinal);
        Assert.Contains("\"max_tokens\":777", Encoding.UTF8.GetString(AnthropicRequestCodec.Encode(request, "claude", 777)), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ThinkingBudgetAboveMaxTokens_ClampsBelowMaxTokens()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")])],
            MaxOutputTokens = 2000,
            Reasoning = new ReasoningConfig(ReasoningMode.Enabled) { BudgetTokens = 8000 },
            SourceDialect = Dialect.Anthropic,
        };

        Assert.Contains("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1999}", Encoding.UTF8.GetString(AnthropicRequestCodec.Encode(request, "claude")), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ThinkingWithTinyMaxTokens_ThrowsNamingMaxTokens()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("hi")])],
            MaxOutputTokens = 500,
            Reasoning = new ReasoningConfig(null) { Effort = "high" },
            SourceDialect = Dialect.OpenAI,
        };

        var error = Assert.Throws<TranslationException>(() => AnthropicRequestCodec.Encode(request, "claude"));
        Assert.Equal("max_tokens", error.Field);
    }
}
