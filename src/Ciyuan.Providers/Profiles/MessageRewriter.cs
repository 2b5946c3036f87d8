using System.Text;
using System.Text.Json.Nodes;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Rewrites one <c>message</c> (completion) or <c>delta</c> (stream chunk) so reasoning sits in
/// <c>reasoning_content</c>, where OpenAI-dialect clients (and the Anthropic encoder) look for it.
/// Properties keep their positions; new ones go just before <c>content</c>.
/// </summary>
internal static class MessageRewriter
{
    public const string Target = ReasoningFields.ReasoningContent;

    /// <summary>vLLM/Ollama/OpenRouter/StepFun: <c>reasoning</c> → <c>reasoning_content</c> (left alone if both are present).</summary>
    public static bool RenameReasoning(JsonObject message)
    {
        var index = message.IndexOf(ReasoningFields.Reasoning);
        if (index < 0 || message[index] is not JsonValue || message.ContainsKey(Target))
        {
            return false;
        }

        var value = message[index];
        message.RemoveAt(index);
        message.Insert(index, Target, value);
        return true;
    }

    /// <summary>MiniMax <c>reasoning_split</c>: <c>reasoning_details[].text</c> joined into <c>reasoning_content</c>.</summary>
    public static bool FlattenDetails(JsonObject message)
    {
        var index = message.IndexOf(ReasoningFields.ReasoningDetails);
        if (index < 0 || message[index] is not JsonArray details || message.ContainsKey(Target))
        {
            return false;
        }

        var text = new StringBuilder();
        foreach (var item in details)
        {
            if (item is JsonObject { } entry && entry["text"] is JsonValue value && value.TryGetValue<string>(out var piece))
            {
                text.Append(piece);
            }
        }

        message.RemoveAt(index);
        message.Insert(index, Target, JsonValue.Create(text.ToString()));
        return true;
    }

    /// <summary>Feeds <c>content</c> through the splitter; <paramref name="final"/> releases held-back text.</summary>
    public static bool SplitThinkTags(JsonObject message, ThinkTagSplitter splitter, bool final)
    {
        var contentIndex = message.IndexOf("content");
        string? original = null;
        if (contentIndex >= 0 && message[contentIndex] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            original = text;
        }

        if (original is null && !final)
        {
            return false;
        }

        var (reasoning, content) = original is null ? (string.Empty, string.Empty) : splitter.Process(original);
        if (final)
        {
            var (restReasoning, restContent) = splitter.Flush();
            reasoning += restReasoning;
            content += restContent;
        }

        if (reasoning.Length == 0 && (original ?? string.Empty) == content)
        {
            return false;
        }

        if (original is not null)
        {
            message[contentIndex] = JsonValue.Create(content);
        }
        else if (content.Length > 0)
        {
            message["content"] = JsonValue.Create(content);
        }

        if (reasoning.Length > 0)
        {
            AppendReasoning(message, reasoning);
        }

        return true;
    }

    private static void AppendReasoning(JsonObject message, string reasoning)
    {
        var existing = message.IndexOf(Target);
        if (existing >= 0)
        {
            var before = message[existing] is JsonValue value && value.TryGetValue<string>(out var text) ? text : string.Empty;
            message[existing] = JsonValue.Create(before + reasoning);
            return;
        }

        var content = message.IndexOf("content");
        message.Insert(content >= 0 ? content : message.Count, Target, JsonValue.Create(reasoning));
    }
}
