using System.Text;
using Ciyuan.Core.Canonical;
using Ciyuan.Protocols.Responses;

namespace Ciyuan.Protocols.Tests.Responses;

public sealed class ResponsesConversationTests
{
    [Fact]
    public void Read_StoredStringInput_KeepsItAsOneUserMessage()
    {
        var conversation = ResponsesConversation.Read(Body("""{"model":"m","input":"hello"}"""));

        Assert.True(conversation.Store);
        var item = Assert.Single(conversation.InputItems);
        Assert.Contains("\"role\":\"user\"", item, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"hello\"", item, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotStoredNotContinued_CopiesNoItems()
    {
        var text = ResponsesConversation.Read(Body("""{"model":"m","input":"hello","store":false}"""));
        var items = ResponsesConversation.Read(Body("""{"model":"m","input":[{"role":"user","content":"hi"}],"store":false}"""));

        Assert.False(text.Store);
        Assert.Empty(text.InputItems);
        Assert.Empty(items.InputItems);
    }

    [Fact]
    public void Read_NotStored_StillRefusesAnOutputWithoutItsCall()
    {
        var body = Body("""{"model":"m","store":false,"input":[{"type":"function_call_output","call_id":"call_9","output":"4"}]}""");

        var error = Assert.Throws<TranslationException>(() => ResponsesConversation.Read(body));

        Assert.Equal("input[0].call_id", error.Field);
    }

    [Fact]
    public void Read_NotStoredContinued_KeepsItemsToRebuildTheConversation()
    {
        var conversation = ResponsesConversation.Read(Body("""{"model":"m","input":"next","store":false,"previous_response_id":"resp_1"}"""));

        Assert.Equal("resp_1", conversation.PreviousResponseId);
        Assert.Single(conversation.InputItems);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"hello","store":"no"}""", "store")]
    [InlineData("""{"model":"m","store":false,"previous_response_id":7,"input":"hello"}""", "previous_response_id")]
    public void Read_NotStoredWithAMistypedMember_NamesIt(string json, string field)
    {
        var error = Assert.Throws<TranslationException>(() => ResponsesConversation.Read(Body(json)));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Read_StoreRepeated_TheLastOneCounts()
    {
        var conversation = ResponsesConversation.Read(Body("""{"model":"m","store":false,"input":"hello","store":true}"""));

        Assert.True(conversation.Store);
        Assert.Single(conversation.InputItems);
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);
}
