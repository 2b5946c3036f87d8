using System.Text;
using Ciyuan.Providers.Profiles;

namespace Ciyuan.Providers.Tests.Profiles;

public sealed class ReasoningReplayStoreTests
{
    // The second request of a DeepSeek tool-call loop, as an OpenAI SDK sends it: the SDK kept
    // content and tool_calls but dropped the unknown reasoning_content.
    private const string FollowUp =
        """{"model":"m","messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_00_w1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_00_w1","content":"18°C"}],"stream":true}""";

    [Fact]
    public void Apply_DeepSeekToolCallLoop_ReinsertsReasoningTheClientDropped()
    {
        var store = new ReasoningReplayStore();
        store.Remember("deepseek", ["call_00_w1"], "Need the weather tool.");

        var actual = store.Apply("deepseek", Profile("deepseek"), Encoding.UTF8.GetBytes(FollowUp));

        Assert.Equal(
            """{"model":"m","messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","reasoning_content":"Need the weather tool.","content":"","tool_calls":[{"id":"call_00_w1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_00_w1","content":"18°C"}],"stream":true}""",
            Encoding.UTF8.GetString(actual!));
    }

    [Fact]
    public void Apply_DeepSeekToolTurnWithNothingStored_SendsEmptyReasoning()
    {
        var actual = new ReasoningReplayStore().Apply("deepseek", Profile("deepseek"), Encoding.UTF8.GetBytes(FollowUp));

        Assert.Contains("\"reasoning_content\":\"\",\"content\":\"\",\"tool_calls\"", Encoding.UTF8.GetString(actual!), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReasoningFromAnotherVendor_IsNeverReplayed()
    {
        var store = new ReasoningReplayStore();
        store.Remember("deepseek", ["call_00_w1"], "DeepSeek's private thoughts.");

        var toKimi = Encoding.UTF8.GetString(store.Apply("moonshot", Profile("moonshot"), Encoding.UTF8.GetBytes(FollowUp))!);
        var toMiniMax = store.Apply("minimax", Profile("minimax"), Encoding.UTF8.GetBytes(FollowUp));

        Assert.DoesNotContain("private thoughts", toKimi, StringComparison.Ordinal);
        Assert.Contains("\"reasoning_content\":\"\"", toKimi, StringComparison.Ordinal);
        Assert.Null(toMiniMax);
    }

    [Fact]
    public void Apply_ClientKeptReasoning_LeftAsSent()
    {
        var store = new ReasoningReplayStore();
        store.Remember("deepseek", ["call_00_w1"], "stored");
        var body = FollowUp.Replace("{\"role\":\"assistant\",", "{\"role\":\"assistant\",\"reasoning_content\":\"kept\",", StringComparison.Ordinal);

        Assert.Null(store.Apply("deepseek", Profile("deepseek"), Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Apply_TargetRejectingReasoningInHistory_StripsIt()
    {
        var body = FollowUp.Replace("{\"role\":\"assistant\",", "{\"role\":\"assistant\",\"reasoning_content\":\"from deepseek\",", StringComparison.Ordinal);

        var actual = new ReasoningReplayStore().Apply("openai", Profile("openai"), Encoding.UTF8.GetBytes(body));

        Assert.Equal(FollowUp, Encoding.UTF8.GetString(actual!));
    }

    [Fact]
    public void Apply_TargetWithoutReplayThatAcceptsHistory_ReturnsNull()
    {
        var store = new ReasoningReplayStore();
        store.Remember("dashscope", ["call_00_w1"], "r");

        Assert.Null(store.Apply("dashscope", Profile("dashscope"), Encoding.UTF8.GetBytes(FollowUp)));
    }

    [Fact]
    public void Apply_MiniMaxDefault_RestoresThinkBlockInContent()
    {
        var store = new ReasoningReplayStore();
        store.Remember("minimax", ["call_00_w1"], "Need weather.");

        var actual = Encoding.UTF8.GetString(store.Apply("minimax", Profile("minimax"), Encoding.UTF8.GetBytes(FollowUp))!);

        Assert.Contains("{\"role\":\"assistant\",\"content\":\"<think>Need weather.</think>\\n\\n\",\"tool_calls\"", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MiniMaxWithReasoningSplit_RestoresReasoningDetails()
    {
        var store = new ReasoningReplayStore();
        store.Remember("minimax", ["call_00_w1"], "Need weather.");
        var body = FollowUp.Replace("\"stream\":true", "\"stream\":true,\"reasoning_split\":true", StringComparison.Ordinal);

        var actual = Encoding.UTF8.GetString(store.Apply("minimax", Profile("minimax"), Encoding.UTF8.GetBytes(body))!);

        Assert.Contains("\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Need weather.\"}],\"content\":\"\"", actual, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_NoToolCallsInHistory_ReturnsNullWithoutParsing()
    {
        Assert.Null(new ReasoningReplayStore().Apply("deepseek", Profile("deepseek"), "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"u8));
    }

    [Fact]
    public void Remember_BeyondCapacity_EvictsLeastRecentlyUsed()
    {
        var store = new ReasoningReplayStore(capacity: 2);
        store.Remember("deepseek", ["a"], "1");
        store.Remember("deepseek", ["b"], "2");
        Assert.True(store.TryGet("a", out _, out _));

        store.Remember("deepseek", ["c"], "3");

        Assert.Equal(2, store.Count);
        Assert.True(store.TryGet("a", out _, out var kept));
        Assert.Equal("1", kept);
        Assert.False(store.TryGet("b", out _, out _));
    }

    [Fact]
    public void Remember_BeyondCharacterBudget_Evicts()
    {
        var store = new ReasoningReplayStore(capacity: 100, maxChars: 10);
        store.Remember("deepseek", ["a"], "123456");
        store.Remember("deepseek", ["b"], "123456");

        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("b", out _, out _));
    }

    [Fact]
    public void Remember_FromManyThreads_StaysBoundedAndConsistent()
    {
        var store = new ReasoningReplayStore(capacity: 1000);

        Parallel.For(0, 20_000, i =>
        {
            store.Remember("deepseek", [$"call_{i}"], "r");
            store.TryGet($"call_{i / 2}", out _, out _);
        });

        Assert.Equal(1000, store.Count);
    }

    private static ProviderProfile Profile(string kind) => ProviderProfiles.For(kind, "m");
}
