using System.Text.Json.Nodes;

namespace Ciyuan.Testing.Upstream;

/// <summary>
/// A coding agent's smallest task, scripted: while the conversation holds no tool result, the
/// upstream answers with one call of <see cref="ToolName"/>; once the result is back, with
/// <see cref="FinalAnswer"/>. A request that does not offer the tool (a client's side query) gets
/// the final answer too. Works for every dialect: OpenAI <c>tool</c> messages, Anthropic
/// <c>tool_result</c> blocks and Responses <c>function_call_output</c> items count as results.
/// </summary>
public sealed record ToolThenAnswer(string ToolName, string ArgumentsJson, string FinalAnswer)
{
    public long PromptTokens { get; init; } = 1200;

    public long CompletionTokens { get; init; } = 40;

    /// <summary>The behaviour for the upstream test server.</summary>
    public Scripted Behavior => new(Choose);

    public static bool HasToolResult(JsonObject request) =>
        (request["messages"] is JsonArray messages && messages.Any(static message =>
            message?["role"]?.GetValue<string>() == "tool"
            || (message?["content"] is JsonArray blocks && blocks.Any(static block => block?["type"]?.GetValue<string>() == "tool_result"))))
        || (request["input"] is JsonArray items && items.Any(static item => item?["type"]?.GetValue<string>() is "function_call_output" or "custom_tool_call_output"));

    public static bool OffersTool(JsonObject request, string name) =>
        request["tools"] is JsonArray tools && tools.Any(tool =>
            (tool?["function"]?["name"] ?? tool?["name"])?.GetValue<string>() == name);

    private UpstreamBehavior Choose(JsonObject request)
    {
        if (OffersTool(request, ToolName) && !HasToolResult(request))
        {
            return new Reply
            {
                Content = string.Empty,
                ToolCalls = [new ToolCallSpec("call_tool_1", ToolName, ArgumentsJson)],
                FinishReason = "tool_calls",
                PromptTokens = PromptTokens,
                CompletionTokens = CompletionTokens,
            };
        }

        return new Reply { Content = FinalAnswer, PromptTokens = PromptTokens + 100, CompletionTokens = CompletionTokens / 2 };
    }
}
